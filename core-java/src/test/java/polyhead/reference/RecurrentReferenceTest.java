package polyhead.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import polyhead.autodiff.Var;
import polyhead.nn.Gru;
import polyhead.nn.Lstm;
import polyhead.nn.Module;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * {@link Lstm} and {@link Gru} against {@code torch.nn.LSTM} / {@code torch.nn.GRU} (lstm.json, gru.json, written by
 * generate_sequence_reference.py): 1 and 2 layers, uni- and bidirectional, with and without initial states, full
 * sequences and lengths through {@code pack_padded_sequence}. PyTorch's weights are loaded by their own names; the
 * output, the final states and the gradients of a random-weighted sum of them with respect to the input, the initial
 * states and every weight must match the float64 reference to 1e-5 relative ({@link Fixtures#assertClose}: |a − b| ≤
 * 1e-5·(|b| + max|b|) element by element).
 */
class RecurrentReferenceTest {
    static final double RTOL = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "gru"})
    void matchesPyTorch(String kind) {
        Map<String, Object> cases = Fixtures.object(Fixtures.load("/reference/" + kind + ".json").get("cases"), "cases");
        assertEquals(16, cases.size());
        cases.forEach((name, c) -> check(kind.equals("lstm"), name, c));
    }

    private static void check(boolean lstm, String name, Object c) {
        Object config = Fixtures.get(c, "config");
        int in = (int) Fixtures.number(Fixtures.get(config, "input_size"), "input_size");
        int hidden = (int) Fixtures.number(Fixtures.get(config, "hidden_size"), "hidden_size");
        int layers = (int) Fixtures.number(Fixtures.get(config, "num_layers"), "num_layers");
        boolean bi = (Boolean) Fixtures.get(config, "bidirectional");
        boolean initial = (Boolean) Fixtures.get(config, "initial_states");
        Object lengthsNode = Fixtures.get(config, "lengths");
        int[] lengths = null;
        if (lengthsNode != null) {
            List<Object> l = Fixtures.list(lengthsNode, "lengths");
            lengths = l.stream().mapToInt(v -> (int) Fixtures.number(v, "length")).toArray();
        }
        Module m = lstm ? new Lstm(in, hidden, layers, bi, new Random(0)) : new Gru(in, hidden, layers, bi, new Random(0));
        Map<String, Tensor> state = new LinkedHashMap<>();
        Fixtures.object(Fixtures.get(c, "params"), "params").forEach((k, v) -> state.put(k, Fixtures.tensor(v)));
        assertEquals(List.copyOf(state.keySet()), List.copyOf(m.stateDict().keySet()), name + ": PyTorch's names and order");
        m.loadStateDict(state);

        Object inputs = Fixtures.get(c, "inputs");
        Var x = Var.parameter(Fixtures.tensor(Fixtures.get(inputs, "x")));
        Var h0 = initial ? Var.parameter(Fixtures.tensor(Fixtures.get(inputs, "h0"))) : null;
        Var c0 = initial && lstm ? Var.parameter(Fixtures.tensor(Fixtures.get(inputs, "c0"))) : null;
        Var out;
        Var h;
        Var cell = null;
        if (lstm) {
            Lstm.Output r = ((Lstm) m).run(x, lengths, h0, c0);
            out = r.output();
            h = r.h();
            cell = r.c();
        } else {
            Gru.Output r = ((Gru) m).run(x, lengths, h0);
            out = r.output();
            h = r.h();
        }
        Object expected = Fixtures.get(c, "float64", "outputs");
        Fixtures.assertClose(name + " output", out.value(), Fixtures.get(expected, "output"), RTOL);
        Fixtures.assertClose(name + " h_n", h.value(), Fixtures.get(expected, "h_n"), RTOL);
        Var loss = weighted(out, inputs, "r_out").add(weighted(h, inputs, "r_h"));
        if (lstm) {
            Fixtures.assertClose(name + " c_n", cell.value(), Fixtures.get(expected, "c_n"), RTOL);
            loss = loss.add(weighted(cell, inputs, "r_c"));
        }
        loss.backward();
        Map<String, Object> grads = Fixtures.object(Fixtures.get(c, "float64", "grads"), "grads");
        Fixtures.assertClose(name + " grad x", x.grad(), grads.get("x"), RTOL);
        if (initial) {
            Fixtures.assertClose(name + " grad h0", h0.grad(), grads.get("h0"), RTOL);
            if (lstm) {
                Fixtures.assertClose(name + " grad c0", c0.grad(), grads.get("c0"), RTOL);
            }
        }
        m.namedParameters().forEach((p, v) -> Fixtures.assertClose(name + " grad " + p, v.grad(), grads.get(p), RTOL));
        assertEquals(m.namedParameters().size() + 1 + (initial ? (lstm ? 2 : 1) : 0), grads.size());
    }

    private static Var weighted(Var v, Object inputs, String key) {
        return v.mul(Var.constant(Fixtures.tensor(Fixtures.get(inputs, key)))).sum();
    }
}
