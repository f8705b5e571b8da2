package polyhead.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.SequencePooling;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/** The {@link SequencePool} layer: each mode is its {@link SequencePooling} op; errors name the layer. */
class SequencePoolTest {
    @Test
    void modesAreTheirOps() {
        Var x = Var.constant(Tensor.randn(1, 3, 4, 2));
        int[] lengths = {2, 4, 1};
        assertArrayEquals(SequencePooling.mean(x, lengths).value().data(),
                new SequencePool(SequencePool.Mode.MEAN).pool(x, lengths).value().data(), 0f);
        assertArrayEquals(SequencePooling.max(x, lengths).value().data(),
                new SequencePool(SequencePool.Mode.MAX).pool(x, lengths).value().data(), 0f);
        assertArrayEquals(SequencePooling.last(x, lengths).value().data(),
                new SequencePool(SequencePool.Mode.LAST).pool(x, lengths).value().data(), 0f);
        assertArrayEquals(SequencePooling.first(x).value().data(),
                new SequencePool(SequencePool.Mode.FIRST).pool(x, lengths).value().data(), 0f);
        // call: full-length sequences; the last step of each
        Tensor last = new SequencePool(SequencePool.Mode.LAST).call(x).value();
        for (int b = 0; b < 3; b++) {
            for (int f = 0; f < 2; f++) {
                assertEquals(x.value().get(b, 3, f), last.get(b, f));
            }
        }
    }

    @Test
    void errorsNameTheLayer() {
        ShapeException e = assertThrows(ShapeException.class, () -> new SequencePool(SequencePool.Mode.MEAN)
                .pool(Var.constant(Tensor.zeros(2, 3, 1)), new int[] {3}));
        assertEquals("in SequencePool: mean pooling: lengths has 1 values for input [2, 3, 1] (one per sequence: 2)",
                e.getMessage());
    }
}
