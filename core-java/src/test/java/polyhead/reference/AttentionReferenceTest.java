package polyhead.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.nn.Module;
import polyhead.nn.MultiheadAttention;
import polyhead.nn.TransformerEncoder;
import polyhead.nn.TransformerEncoderLayer;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * {@link MultiheadAttention} against {@code torch.nn.MultiheadAttention(batch_first=True)} (multihead_attention.json,
 * written by generate_sequence_reference.py): self- and cross-attention, 1, 2 and 4 heads, with and without a
 * key-padding mask and a causal attention mask. PyTorch's weights are loaded by their own names; the output, the
 * head-averaged weights and the gradients of a random-weighted sum of both with respect to query, key, value and
 * every weight must match the float64 reference to 1e-5 relative ({@link Fixtures#assertClose}: |a − b| ≤
 * 1e-5·(|b| + max|b|) element by element). Likewise {@link TransformerEncoderLayer} and {@link TransformerEncoder}
 * against {@code torch.nn.TransformerEncoderLayer} / {@code TransformerEncoder} (transformer_encoder.json): post- and
 * pre-norm, ReLU and GELU, another layer-norm ε, 1 to 3 layers with and without a final norm, key padding and a
 * causal mask.
 */
class AttentionReferenceTest {
    static final double RTOL = 1e-5;

    @Test
    void multiheadAttentionMatchesPyTorch() {
        Map<String, Object> cases = Fixtures.object(
                Fixtures.load("/reference/multihead_attention.json").get("cases"), "cases");
        assertEquals(8, cases.size());
        cases.forEach(AttentionReferenceTest::checkAttention);
    }

    private static void checkAttention(String name, Object c) {
        Object config = Fixtures.get(c, "config");
        int e = integer(config, "embed_dim");
        int heads = integer(config, "num_heads");
        boolean cross = (Boolean) Fixtures.get(config, "cross");
        MultiheadAttention m = new MultiheadAttention(e, heads, new Random(0));
        load(name, m, c);

        Object inputs = Fixtures.get(c, "inputs");
        Var q = Var.parameter(Fixtures.tensor(Fixtures.get(inputs, "query")));
        Var k = cross ? Var.parameter(Fixtures.tensor(Fixtures.get(inputs, "key"))) : q;
        Var v = cross ? Var.parameter(Fixtures.tensor(Fixtures.get(inputs, "value"))) : q;
        int s = k.shape().dim(1);
        int[] lengths = lengths(config);
        Tensor padding = lengths == null ? null : MultiheadAttention.paddingMask(lengths, s);
        Tensor causal = (Boolean) Fixtures.get(config, "causal_mask") ? causalRect(q.shape().dim(1), s) : null;
        MultiheadAttention.Output r = m.run(q, k, v, padding, causal, true);

        Object expected = Fixtures.get(c, "float64", "outputs");
        Fixtures.assertClose(name + " output", r.output().value(), Fixtures.get(expected, "output"), RTOL);
        Fixtures.assertClose(name + " weights", r.weights().value(), Fixtures.get(expected, "weights"), RTOL);
        weighted(r.output(), inputs, "r_out").add(weighted(r.weights(), inputs, "r_weights")).backward();
        Map<String, Object> grads = Fixtures.object(Fixtures.get(c, "float64", "grads"), "grads");
        Fixtures.assertClose(name + " grad query", q.grad(), grads.get("query"), RTOL);
        if (cross) {
            Fixtures.assertClose(name + " grad key", k.grad(), grads.get("key"), RTOL);
            Fixtures.assertClose(name + " grad value", v.grad(), grads.get("value"), RTOL);
        }
        checkParameterGrads(name, m, grads, cross ? 3 : 1);
    }

    @Test
    void transformerEncoderMatchesPyTorch() {
        Map<String, Object> cases = Fixtures.object(
                Fixtures.load("/reference/transformer_encoder.json").get("cases"), "cases");
        assertEquals(8, cases.size());
        cases.forEach(AttentionReferenceTest::checkEncoder);
    }

    private static void checkEncoder(String name, Object c) {
        Object config = Fixtures.get(c, "config");
        int d = integer(config, "d_model");
        int heads = integer(config, "nhead");
        int ff = integer(config, "dim_feedforward");
        int layers = integer(config, "num_layers");
        boolean normFirst = (Boolean) Fixtures.get(config, "norm_first");
        float eps = (float) Fixtures.number(Fixtures.get(config, "layer_norm_eps"), "layer_norm_eps");
        TransformerEncoderLayer.FeedForwardActivation act = TransformerEncoderLayer.FeedForwardActivation.valueOf(
                ((String) Fixtures.get(config, "activation")).toUpperCase(java.util.Locale.ROOT));
        Module m = layers == 0
                ? new TransformerEncoderLayer(d, heads, ff, act, normFirst, eps, new Random(0))
                : new TransformerEncoder(layers, d, heads, ff, act, normFirst, eps,
                        (Boolean) Fixtures.get(config, "final_norm"), new Random(0));
        load(name, m, c);

        Object inputs = Fixtures.get(c, "inputs");
        Var x = Var.parameter(Fixtures.tensor(Fixtures.get(inputs, "x")));
        int t = x.shape().dim(1);
        int[] lengths = lengths(config);
        Tensor padding = lengths == null ? null : MultiheadAttention.paddingMask(lengths, t);
        Tensor causal = (Boolean) Fixtures.get(config, "causal_mask") ? MultiheadAttention.causalMask(t) : null;
        Var out = layers == 0 ? ((TransformerEncoderLayer) m).run(x, padding, causal)
                : ((TransformerEncoder) m).run(x, padding, causal);
        Fixtures.assertClose(name + " output", out.value(), Fixtures.get(c, "float64", "outputs", "output"), RTOL);
        weighted(out, inputs, "r").backward();
        Map<String, Object> grads = Fixtures.object(Fixtures.get(c, "float64", "grads"), "grads");
        Fixtures.assertClose(name + " grad x", x.grad(), grads.get("x"), RTOL);
        checkParameterGrads(name, m, grads, 1);
    }

    /** PyTorch's torch.triu(ones(t, s), 1) as a boolean mask: [T, S], 1 above the diagonal. */
    static Tensor causalRect(int t, int s) {
        float[] m = new float[t * s];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < s; j++) {
                m[i * s + j] = 1f;
            }
        }
        return Tensor.of(m, t, s);
    }

    static void load(String name, Module m, Object c) {
        Map<String, Tensor> state = new LinkedHashMap<>();
        Fixtures.object(Fixtures.get(c, "params"), "params").forEach((k, v) -> state.put(k, Fixtures.tensor(v)));
        assertEquals(List.copyOf(state.keySet()), List.copyOf(m.stateDict().keySet()), name + ": PyTorch's names and order");
        m.loadStateDict(state);
    }

    static void checkParameterGrads(String name, Module m, Map<String, Object> grads, int inputGrads) {
        m.namedParameters().forEach((p, v) -> Fixtures.assertClose(name + " grad " + p, v.grad(), grads.get(p), RTOL));
        assertEquals(m.namedParameters().size() + inputGrads, grads.size(), name + ": every recorded gradient checked");
    }

    static int[] lengths(Object config) {
        Object node = Fixtures.get(config, "key_lengths");
        return node == null ? null
                : Fixtures.list(node, "key_lengths").stream().mapToInt(v -> (int) Fixtures.number(v, "length")).toArray();
    }

    static int integer(Object config, String key) {
        return (int) Fixtures.number(Fixtures.get(config, key), key);
    }

    static Var weighted(Var v, Object inputs, String key) {
        return v.mul(Var.constant(Fixtures.tensor(Fixtures.get(inputs, key)))).sum();
    }
}
