package polyhead.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/** The thin layers pass their settings to the right primitive: hand-computed cases. */
class LayersTest {
    private static final Tensor GRID = Tensor.arange(1, 1, 4, 4); // 0..15 row-major

    @Test
    void poolingLayers() {
        assertArrayEquals(new float[] {5, 7, 13, 15}, new MaxPool2d(2).call(Var.constant(GRID)).value().data());
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, new AvgPool2d(2).call(Var.constant(GRID)).value().data());
        // window 3, stride 1, padding 1: the corner window sees 0, 1, 4, 5 and five zeros of padding
        assertEquals(10f / 9, new AvgPool2d(3, 1, 1).call(Var.constant(GRID)).value().get(0, 0, 0, 0), 1e-6);
        Var g = new GlobalAvgPool2d().call(Var.constant(GRID));
        assertEquals(Shape.of(1, 1), g.shape());
        assertEquals(7.5f, g.value().item());
    }

    @Test
    void flattenKeepsTheBatchDimension() {
        assertEquals(Shape.of(2, 60), new Flatten().call(Var.constant(Tensor.zeros(2, 3, 4, 5))).shape());
        assertEquals(Shape.of(120), new Flatten(0).call(Var.constant(Tensor.zeros(2, 3, 4, 5))).shape());
    }

    @Test
    void conv2dLayerWithoutBias() {
        Conv2d c = new Conv2d(1, 1, 2, 2, 0, false, new Random(0));
        c.weight().value().copyFrom(Tensor.of(new float[] {1, 0, 0, 1}, 1, 1, 2, 2));
        // stride 2: top-left + bottom-right of each 2×2 block
        assertArrayEquals(new float[] {0 + 5, 2 + 7, 8 + 13, 10 + 15}, c.call(Var.constant(GRID)).value().data());
        assertEquals(1, c.namedParameters().size());
    }

    @Test
    void embeddingLooksUpRowsAndAccumulatesRepeatedIndices() {
        Embedding e = new Embedding(4, 2, new Random(0));
        e.weight().value().copyFrom(Tensor.arange(4, 2));
        Var out = e.call(Var.constant(Tensor.of(new float[] {3, 1, 3}, 3)));
        assertArrayEquals(new float[] {6, 7, 2, 3, 6, 7}, out.value().data());
        out.sum().backward();
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 2, 2}, e.weight().grad().data());
        assertThrows(IndexOutOfBoundsException.class, () -> e.call(Var.constant(Tensor.of(new float[] {4}, 1))));
    }

    @Test
    void activationModulesAreNamedLikePyTorch() {
        Sequential s = new Sequential(Activation.relu(), Activation.leakyRelu(0.2f), Activation.sigmoid(), Activation.tanh(),
                Activation.gelu(), Activation.softmax(-1), Activation.logSoftmax(-1));
        String summary = s.summary(3);
        for (String type : new String[] {"ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "Softmax", "LogSoftmax"}) {
            assertTrue(summary.contains("(" + type + ")"), summary);
        }
        Var x = Var.constant(Tensor.of(new float[] {-1, 2}, 1, 2));
        assertArrayEquals(new float[] {-0.2f, 2}, Activation.leakyRelu(0.2f).call(x).value().data());
    }

    @Test
    void convShapeErrorNamesThePathAndBothShapes() {
        Sequential net = new Sequential(new Conv2d(3, 4, 3, new Random(0)));
        ShapeException e = assertThrows(ShapeException.class, () -> net.call(Var.constant(Tensor.zeros(2, 1, 8, 8))));
        assertTrue(e.getMessage().startsWith("in 0 (Conv2d): "), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 1, 8, 8]") && e.getMessage().contains("[4, 3, 3, 3]"), e.getMessage());
    }
}
