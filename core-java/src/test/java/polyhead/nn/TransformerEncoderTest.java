package polyhead.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.nn.TransformerEncoderLayer.FeedForwardActivation;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * {@link TransformerEncoderLayer} and {@link TransformerEncoder} beyond the PyTorch reference
 * (AttentionReferenceTest): gradients by finite differences, padding that does not leak, PyTorch's names, errors.
 */
class TransformerEncoderTest {
    @Test
    void gradientsMatchFiniteDifferences() {
        Tensor padding = MultiheadAttention.paddingMask(new int[] {3, 2}, 3);
        for (boolean normFirst : new boolean[] {false, true}) {
            TransformerEncoderLayer layer = new TransformerEncoderLayer(4, 2, 6, FeedForwardActivation.GELU, normFirst,
                    1e-5f, new Random(4));
            GradCheck.assertGradients(v -> layer.run(v[0], padding, MultiheadAttention.causalMask(3)),
                    Tensor.randn(5, 2, 3, 4));
        }
        TransformerEncoder stack = new TransformerEncoder(2, 4, 1, 5, FeedForwardActivation.RELU, true, 1e-5f, true,
                new Random(5));
        GradCheck.assertGradients(v -> stack.run(v[0], padding, null), Tensor.randn(6, 2, 3, 4));
    }

    @Test
    void paddedStepsDoNotReachValidOnes() {
        TransformerEncoder stack = new TransformerEncoder(2, 6, 3, 8, FeedForwardActivation.RELU, false, 1e-5f, false,
                new Random(6));
        Tensor x = Tensor.randn(7, 2, 5, 6);
        Tensor changed = x.copy();
        for (int f = 0; f < 6; f++) {
            changed.set(5f, 1, 3, f);
            changed.set(-5f, 1, 4, f);
        }
        Tensor padding = MultiheadAttention.paddingMask(new int[] {5, 3}, 5);
        Tensor a = stack.run(Var.constant(x), padding, null).value();
        Tensor b = stack.run(Var.constant(changed), padding, null).value();
        for (int t = 0; t < 3; t++) {
            for (int f = 0; f < 6; f++) {
                assertEquals(a.get(1, t, f), b.get(1, t, f), 1e-6f, "t " + t + ", f " + f);
            }
        }
        // call() is the stack without masks
        assertArrayEquals(stack.run(Var.constant(x), null, null).value().data(), stack.call(Var.constant(x)).value()
                .data(), 0f);
    }

    @Test
    void namesAndSizesAreTorchs() {
        TransformerEncoder stack = new TransformerEncoder(2, 8, 2, 16, FeedForwardActivation.RELU, true, 1e-5f, true,
                new Random(7));
        List<String> names = List.copyOf(stack.stateDict().keySet());
        assertEquals(List.of("layers.0.self_attn.in_proj_weight", "layers.0.self_attn.in_proj_bias",
                "layers.0.self_attn.out_proj.weight", "layers.0.self_attn.out_proj.bias", "layers.0.linear1.weight",
                "layers.0.linear1.bias", "layers.0.linear2.weight", "layers.0.linear2.bias", "layers.0.norm1.weight",
                "layers.0.norm1.bias", "layers.0.norm2.weight", "layers.0.norm2.bias"), names.subList(0, 12));
        assertEquals(List.of("norm.weight", "norm.bias"), names.subList(24, 26));
        // sum(p.numel() for p in nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 2,
        // nn.LayerNorm(8)).parameters()) in PyTorch 1.13
        assertEquals(1216, stack.parameterCount());
    }

    @Test
    void badInputIsOneLineNamingTheShape() {
        assertEquals("MultiheadAttention: embed_dim 6 must be a positive multiple of num_heads 4",
                assertThrows(IllegalArgumentException.class, () -> new TransformerEncoderLayer(6, 4, 8,
                        FeedForwardActivation.RELU, false, 1e-5f, new Random(0))).getMessage());
        TransformerEncoder stack = new TransformerEncoder(1, 4, 2, 8, FeedForwardActivation.RELU, false, 1e-5f, false,
                new Random(0));
        ShapeException e = assertThrows(ShapeException.class,
                () -> stack.run(Var.constant(Tensor.zeros(2, 3, 5)), null, null));
        assertEquals("in layers.0.self_attn (MultiheadAttention): attention: query must be [B, T, 4], got [2, 3, 5]",
                e.getMessage());
        ShapeException mask = assertThrows(ShapeException.class,
                () -> stack.run(Var.constant(Tensor.zeros(2, 3, 4)), Tensor.zeros(2, 4), null));
        assertEquals("in layers.0.self_attn (MultiheadAttention): attention: key padding mask must be [B, S] = [2, 3],"
                + " got [2, 4]", mask.getMessage());
    }
}
