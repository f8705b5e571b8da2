package polyhead.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void rowMajorIndexing() {
        Tensor t = Tensor.arange(2, 3, 4);
        assertEquals(1 * 12 + 2 * 4 + 3, t.get(1, 2, 3));
        assertArrayEquals(new int[] {12, 4, 1}, t.shape().strides());
        t.set(-1f, 0, 1, 2);
        assertEquals(-1f, t.data()[6]);
    }

    @Test
    void shapesAndErrorsNameBothShapes() {
        ShapeException e = assertThrows(ShapeException.class, () -> Tensor.arange(2, 3).reshape(4, 2));
        assertEquals("cannot reshape [2, 3] to [4, 2]", e.getMessage());
        e = assertThrows(ShapeException.class, () -> Tensor.zeros(2).addInPlace(Tensor.zeros(3)));
        assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[3]"));
        e = assertThrows(ShapeException.class, () -> Shape.broadcast(Shape.of(2, 3), Shape.of(3, 2)));
        assertEquals("shapes [2, 3] and [3, 2] cannot be broadcast together", e.getMessage());
        assertThrows(ShapeException.class, () -> Tensor.of(new float[5], 2, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.zeros(2, 2).get(2, 0));
        assertThrows(ShapeException.class, () -> Tensor.zeros(2, 2).item());
    }

    @Test
    void broadcastShapes() {
        assertEquals(Shape.of(4, 2, 3), Shape.broadcast(Shape.of(2, 1), Shape.of(4, 1, 3)));
        assertEquals(Shape.of(5), Shape.broadcast(Shape.scalar(), Shape.of(5)));
        assertEquals(1, Shape.scalar().size());
        assertEquals(0, Shape.of(3, 0).size());
        assertEquals(Shape.of(2, 4), Shape.of(2, 3, 4).without(1));
        assertEquals(Shape.of(2, 1, 4), Shape.of(2, 3, 4).with(-2, 1));
    }

    @Test
    void seededFactoriesAreReproducible() {
        assertArrayEquals(Tensor.randn(9, 3, 3).data(), Tensor.randn(9, 3, 3).data());
        assertTrue(Tensor.randn(9, 3, 3).isFinite());
        float[] d = Tensor.randn(1, 20_000).data();
        double mean = 0;
        for (float v : d) {
            mean += v / d.length;
        }
        assertEquals(0, mean, 5 / Math.sqrt(d.length));
    }

    @Test
    void broadcastKernelsAgreeWithNaiveLoops() {
        Tensor a = Tensor.randn(1, 3, 1, 5);
        Tensor g = Tensor.randn(2, 2, 3, 4, 5);
        Tensor reduced = Broadcast.sumTo(g, a.shape());
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 5; k++) {
                double s = 0;
                for (int p = 0; p < 2; p++) {
                    for (int j = 0; j < 4; j++) {
                        s += g.get(p, i, j, k);
                    }
                }
                assertEquals(s, reduced.get(i, 0, k), 1e-5);
            }
        }
        Tensor expanded = Broadcast.expand(a, g.shape());
        assertEquals(a.get(2, 0, 4), expanded.get(1, 2, 3, 4));
        assertThrows(ShapeException.class, () -> Broadcast.sumTo(g, Shape.of(3, 2, 5)));
    }
}
