package polyhead.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Sequential runs a Linear followed by a ReLU, a ReLU followed by a max pooling, and a convolution, a ReLU and a 2×2
 * max pooling, as one fused node each; nothing a user sees may change.
 */
class SequentialTest {
    @Test
    void linearThenReluGivesTheValuesAndGradientsOfTheLayersOneByOne() {
        Linear l1 = new Linear(6, 5, new Random(1));
        Linear l2 = new Linear(5, 3, new Random(2));
        Sequential seq = new Sequential(l1, Activation.relu(), l2, Activation.relu());
        Tensor x = Tensor.randn(3, 4, 6);
        Var out = seq.call(Var.constant(x));
        assertEquals("Var(linearRelu, [4, 3], requiresGrad)", out.toString(), "the fused node runs");
        out.sum().backward();
        float[][] fusedGrads = {l1.weight().grad().data().clone(), l1.bias().grad().data().clone(),
            l2.weight().grad().data().clone(), l2.bias().grad().data().clone()};
        seq.zeroGrad();
        Var byHand = l2.call(l1.call(Var.constant(x)).relu()).relu();
        assertArrayEquals(byHand.value().data(), out.value().data(), 0f);
        byHand.sum().backward();
        float[][] grads = {l1.weight().grad().data(), l1.bias().grad().data(), l2.weight().grad().data(),
            l2.bias().grad().data()};
        for (int i = 0; i < grads.length; i++) {
            assertArrayEquals(grads[i], fusedGrads[i], 0f, "gradient " + i);
        }
    }

    @Test
    void reluThenMaxPoolGivesTheValuesAndGradientsOfTheLayersOneByOne() {
        // a 3×3 pooling: the convolution stays a node of its own, the ReLU and the pooling are fused
        Conv2d conv = new Conv2d(2, 3, 3, new Random(4));
        MaxPool2d pool = new MaxPool2d(3);
        Sequential seq = new Sequential(conv, Activation.relu(), pool);
        Tensor x = Tensor.randn(5, 4, 2, 9, 8);
        Var out = seq.call(Var.constant(x));
        assertEquals("Var(reluMaxPool2d, [4, 3, 2, 2], requiresGrad)", out.toString(), "the fused node runs");
        Tensor g = Tensor.randn(6, 4, 3, 2, 2);
        out.backward(g);
        float[][] fusedGrads = {conv.weight().grad().data().clone(), conv.bias().grad().data().clone()};
        seq.zeroGrad();
        Var byHand = pool.call(conv.call(Var.constant(x)).relu());
        assertArrayEquals(byHand.value().data(), out.value().data(), 0f);
        byHand.backward(g);
        assertArrayEquals(conv.weight().grad().data(), fusedGrads[0], 0f, "weight gradient");
        assertArrayEquals(conv.bias().grad().data(), fusedGrads[1], 0f, "bias gradient");
    }

    @Test
    void convolutionReluAndTwoByTwoMaxPoolGiveTheValuesAndGradientsOfTheLayersOneByOne() {
        Conv2d conv1 = new Conv2d(2, 3, 3, new Random(4));
        Conv2d conv2 = new Conv2d(3, 4, 2, 1, 1, true, new Random(5));
        Sequential seq = new Sequential(conv1, Activation.relu(), new MaxPool2d(2), conv2, Activation.relu(),
                new MaxPool2d(2));
        Tensor x = Tensor.randn(5, 4, 2, 11, 10);
        Var in = Var.parameter(x.copy());
        Var out = seq.call(in);
        assertEquals("Var(conv2dReluMaxPool2x2, [4, 4, 2, 2], requiresGrad)", out.toString(), "the fused node runs");
        Tensor g = Tensor.randn(6, 4, 4, 2, 2);
        out.backward(g);
        float[][] fused = {out.value().data(), in.grad().data(), conv1.weight().grad().data().clone(),
            conv1.bias().grad().data().clone(), conv2.weight().grad().data().clone(),
            conv2.bias().grad().data().clone()};
        seq.zeroGrad();
        Var in2 = Var.parameter(x.copy());
        Var byHand = new MaxPool2d(2).call(conv2.call(new MaxPool2d(2).call(conv1.call(in2).relu())).relu());
        byHand.backward(g);
        float[][] separate = {byHand.value().data(), in2.grad().data(), conv1.weight().grad().data(),
            conv1.bias().grad().data(), conv2.weight().grad().data(), conv2.bias().grad().data()};
        String[] what = {"output", "input gradient", "conv1 weight gradient", "conv1 bias gradient",
            "conv2 weight gradient", "conv2 bias gradient"};
        for (int i = 0; i < what.length; i++) {
            assertArrayEquals(separate[i], fused[i], 0f, what[i]);
        }
    }

    @Test
    void aShapeErrorInTheFusedPoolingNamesTheMaxPool() {
        Sequential seq = new Sequential(Activation.relu(), new MaxPool2d(2));
        ShapeException e = org.junit.jupiter.api.Assertions.assertThrows(ShapeException.class,
                () -> seq.call(Var.constant(Tensor.zeros(2, 7))));
        assertTrue(e.getMessage().contains("MaxPool2d") && e.getMessage().contains("[2, 7]"), e.getMessage());
    }

    @Test
    void aSummaryStillListsBothLayersAndShapeErrorsNameTheLinear() {
        Sequential seq = new Sequential(new Linear(6, 5, new Random(1)), Activation.relu());
        String summary = seq.summary(6);
        assertTrue(summary.contains("Linear") && summary.contains("ReLU"), summary);
        ShapeException e = org.junit.jupiter.api.Assertions.assertThrows(ShapeException.class,
                () -> seq.call(Var.constant(Tensor.zeros(2, 7))));
        assertTrue(e.getMessage().contains("0") && e.getMessage().contains("Linear"), e.getMessage());
    }
}
