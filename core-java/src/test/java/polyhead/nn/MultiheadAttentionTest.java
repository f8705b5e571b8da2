package polyhead.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * {@link MultiheadAttention} beyond the PyTorch reference (AttentionReferenceTest): gradients by finite differences,
 * what the masks hide, PyTorch's initialization and the one-line errors.
 */
class MultiheadAttentionTest {
    @Test
    void gradientsMatchFiniteDifferences() {
        MultiheadAttention m = new MultiheadAttention(4, 2, new Random(1));
        Tensor padding = MultiheadAttention.paddingMask(new int[] {3, 1}, 3);
        Tensor causal = MultiheadAttention.causalMask(3);
        // self-attention with both masks: the input feeds query, key and value
        GradCheck.assertGradients(v -> m.run(v[0], v[0], v[0], padding, causal, false).output(), Tensor.randn(2, 2, 3, 4));
        // cross-attention, T = 2 queries over S = 3 keys, with the weights as output too
        GradCheck.assertGradients(v -> {
            MultiheadAttention.Output r = m.run(v[0], v[1], v[2], padding, null, true);
            return r.output().sum().add(r.weights().mul(Var.constant(Tensor.randn(5, 2, 2, 3))).sum());
        }, Tensor.randn(3, 2, 2, 4), Tensor.randn(4, 2, 3, 4), Tensor.randn(5, 2, 3, 4));
    }

    @Test
    void maskedKeysGetNoWeightAndDoNotChangeTheOutput() {
        MultiheadAttention m = new MultiheadAttention(6, 3, new Random(2));
        Tensor x = Tensor.randn(3, 2, 4, 6);
        Tensor padding = MultiheadAttention.paddingMask(new int[] {4, 2}, 4);
        MultiheadAttention.Output r = m.run(Var.constant(x), Var.constant(x), Var.constant(x), padding,
                MultiheadAttention.causalMask(4), true);
        for (int t = 0; t < 4; t++) {
            for (int s = 0; s < 4; s++) {
                boolean hidden = s > t;
                assertEquals(hidden, r.weights().value().get(0, t, s) == 0f, "row 0, t " + t + ", s " + s);
                assertEquals(hidden || s >= 2, r.weights().value().get(1, t, s) == 0f, "row 1, t " + t + ", s " + s);
            }
        }
        // changing a padded key and value of row 1 leaves every output of row 1 unchanged
        Tensor y = x.copy();
        for (int f = 0; f < 6; f++) {
            y.set(9f, 1, 3, f);
        }
        Var keys = Var.constant(y);
        Tensor moved = m.run(Var.constant(x), keys, keys, padding, null, false).output().value();
        Tensor same = m.run(Var.constant(x), Var.constant(x), Var.constant(x), padding, null, false).output().value();
        assertArrayEquals(same.data(), moved.data(), 1e-6f);
    }

    @Test
    void initializationAndNamesAreTorchs() {
        MultiheadAttention m = new MultiheadAttention(8, 2, new Random(3));
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"),
                List.copyOf(m.stateDict().keySet()));
        assertArrayEquals(new float[24], m.stateDict().get("in_proj_bias").data(), 0f);
        assertArrayEquals(new float[8], m.stateDict().get("out_proj.bias").data(), 0f);
        // Xavier-uniform on [24, 8]: U(-a, a) with a = sqrt(6 / (8 + 24))
        double a = Math.sqrt(6.0 / 32);
        float max = 0;
        for (float w : m.stateDict().get("in_proj_weight").data()) {
            max = Math.max(max, Math.abs(w));
        }
        assertTrue(max <= a && max > 0.8 * a, "max |w| " + max + " against bound " + a);
        // call() is unmasked self-attention
        Var x = Var.constant(Tensor.randn(4, 2, 3, 8));
        MultiheadAttention.Output r = m.run(x, x, x, null, null, false);
        assertNull(r.weights());
        assertArrayEquals(r.output().value().data(), m.call(x).value().data(), 0f);
    }

    @Test
    void badInputIsOneLineNamingTheShape() {
        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class,
                () -> new MultiheadAttention(6, 4, new Random(0)));
        assertEquals("MultiheadAttention: embed_dim 6 must be a positive multiple of num_heads 4", heads.getMessage());
        MultiheadAttention m = new MultiheadAttention(4, 2, new Random(0));
        Var q = Var.constant(Tensor.zeros(2, 3, 4));
        ShapeException features = assertThrows(ShapeException.class,
                () -> m.run(q, Var.constant(Tensor.zeros(2, 3, 5)), Var.constant(Tensor.zeros(2, 3, 5)), null, null,
                        false));
        assertEquals("in MultiheadAttention: attention: key must be [2, S, 4] for query [2, 3, 4], got [2, 3, 5]",
                features.getMessage());
        ShapeException query = assertThrows(ShapeException.class, () -> m.call(Var.constant(Tensor.zeros(2, 3, 3))));
        assertEquals("in MultiheadAttention: attention: query must be [B, T, 4], got [2, 3, 3]", query.getMessage());
        ShapeException mask = assertThrows(ShapeException.class,
                () -> m.run(q, q, q, Tensor.zeros(3, 2), null, false));
        assertEquals("in MultiheadAttention: attention: key padding mask must be [B, S] = [2, 3], got [3, 2]",
                mask.getMessage());
        ShapeException causal = assertThrows(ShapeException.class,
                () -> m.run(q, q, q, null, MultiheadAttention.causalMask(4), false));
        assertEquals("in MultiheadAttention: attention: attention mask must be [T, S] = [3, 3], got [4, 4]",
                causal.getMessage());
        // a query position that sees no key: refused, where PyTorch 1.13 gives NaN
        Tensor all = Tensor.zeros(2, 3);
        for (int s = 0; s < 3; s++) {
            all.set(1f, 1, s);
        }
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> m.run(q, q, q, all, null, false));
        assertEquals("attention: the masks hide every key from batch row 1, query position 0 (keys [2, 3]); softmax"
                + " over no key is undefined", empty.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MultiheadAttention.paddingMask(new int[] {0}, 3));
    }
}
