package polyhead.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.io.Json;
import polyhead.optim.Optimizer;
import polyhead.tensor.EjmlGemm;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * The W4 workload against its PyTorch peer ({@code cli/bench/torch_w4.py}) through w4_models.json, written by
 * generate_w4_reference.py from that script's own models and batch rule: the batch rule draws the same sentences at
 * full size and at a tiny one, and each model, given PyTorch's weights by name, computes PyTorch's loss and every
 * parameter's gradient (float64 reference, 1e-5 relative).
 */
class W4ModelsTest {
    private static final double RTOL = 1e-5;
    private static final Map<String, BiFunction<W4Models.Sizes, Random, W4Models.Tagger>> MODELS = Map.of(
            "bilstm", W4Models::biLstm, "transformer", W4Models::transformer);

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fixture() throws IOException {
        try (InputStream in = W4ModelsTest.class.getResourceAsStream("/reference/w4_models.json")) {
            return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    "w4_models.json");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object node) {
        return (Map<String, Object>) node;
    }

    private static int[] ints(Object node) {
        return ((List<?>) node).stream().mapToInt(v -> ((Number) v).intValue()).toArray();
    }

    private static Tensor tensor(Object node) {
        Map<String, Object> t = object(node);
        List<?> data = (List<?>) t.get("data");
        float[] values = new float[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = ((Number) data.get(i)).floatValue();
        }
        return Tensor.wrap(Shape.of(ints(t.get("shape"))), values);
    }

    private static int sum(float[] values, float[] mask) {
        double s = 0;
        for (int i = 0; i < values.length; i++) {
            s += mask == null ? values[i] : values[i] * mask[i];
        }
        return (int) s;
    }

    /** The first batch of the bench's pool, as torch_w4.py draws it (lengths, a sentence, sums of everything). */
    @Test
    void theBatchRuleDrawsWhatThePeerDraws() throws IOException {
        Map<String, Object> rule = object(fixture().get("rule"));
        W4Batches.Batch b = new W4Batches(0).next(Bench.W4_BATCH, W4Models.Sizes.W4);
        int[] lengths = ints(rule.get("lengths"));
        assertArrayEquals(lengths, b.lengths());
        int time = 0;
        for (int l : lengths) {
            assertTrue(l >= 1 && l <= 50, "length " + l);
            time = Math.max(time, l);
        }
        assertEquals(Shape.of(Bench.W4_BATCH, time), b.tokens().shape());
        int[] first = ints(rule.get("first_tokens"));
        for (int t = 0; t < time; t++) {
            assertEquals(t < first.length ? first[t] : 0, (int) b.tokens().data()[t], "token " + t);
        }
        float[] mask = b.tokenMask().data();
        assertEquals(((Number) rule.get("token_sum")).intValue(), sum(b.tokens().data(), null));
        assertEquals(((Number) rule.get("fine_sum")).intValue(), sum(b.fine().data(), mask));
        assertEquals(((Number) rule.get("universal_sum")).intValue(), sum(b.universal().data(), mask));
        assertEquals(((Number) rule.get("genre_sum")).intValue(), sum(b.genre().data(), null));
        int valid = 0;
        for (int l : lengths) {
            valid += l;
        }
        assertEquals(valid, sum(mask, null), "the token mask covers the valid tokens");
    }

    private static W4Models.Sizes sizes(Map<String, Object> c) {
        Map<String, Object> s = object(c.get("sizes"));
        int[] v = new int[9];
        String[] names = {"vocabulary", "max_length", "embedding", "hidden", "heads", "feed_forward", "fine",
            "universal", "genres"};
        for (int i = 0; i < v.length; i++) {
            v[i] = ((Number) s.get(names[i])).intValue();
        }
        return new W4Models.Sizes(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bilstm", "transformer"})
    void lossAndGradientsMatchPyTorch(String kind) throws IOException {
        Map<String, Object> c = object(fixture().get(kind));
        W4Models.Sizes sizes = sizes(c);
        W4Batches.Batch batch = new W4Batches(((Number) c.get("seed")).longValue()).next(3, sizes);
        Map<String, Object> expectedBatch = object(c.get("batch"));
        assertArrayEquals(ints(expectedBatch.get("lengths")), batch.lengths());
        int[] tokens = ints(expectedBatch.get("tokens"));
        int[] fine = ints(expectedBatch.get("fine"));
        for (int i = 0; i < tokens.length; i++) {
            assertEquals(tokens[i], (int) batch.tokens().data()[i], "token " + i);
            assertEquals(fine[i] < 0 ? 0 : 1, (int) batch.tokenMask().data()[i], "mask " + i);
            assertEquals(Math.max(fine[i], 0), (int) batch.fine().data()[i], "fine " + i);
        }

        W4Models.Tagger model = MODELS.get(kind).apply(sizes, new Random(1));
        Map<String, Tensor> params = new LinkedHashMap<>();
        object(c.get("params")).forEach((k, v) -> params.put(k, tensor(v)));
        assertEquals(List.copyOf(params.keySet()), List.copyOf(model.stateDict().keySet()), "PyTorch's names");
        model.loadStateDict(params);
        Var loss = model.loss(batch);
        Map<String, Object> expected = object(c.get("float64"));
        double want = ((Number) expected.get("loss")).doubleValue();
        assertEquals(want, loss.value().item(), RTOL * Math.abs(want), kind + " loss");
        loss.backward();
        Map<String, Object> grads = object(expected.get("grads"));
        List<String> faults = new ArrayList<>();
        model.namedParameters().forEach((name, p) -> {
            float[] got = p.grad().data();
            List<?> ref = (List<?>) object(grads.get(name)).get("data");
            double scale = 0;
            for (Object r : ref) {
                scale = Math.max(scale, Math.abs(((Number) r).doubleValue()));
            }
            for (int i = 0; i < got.length; i++) {
                double r = ((Number) ref.get(i)).doubleValue();
                if (Math.abs(got[i] - r) > RTOL * (Math.abs(r) + scale)) {
                    faults.add(name + "[" + i + "]: " + got[i] + " vs PyTorch " + r);
                }
            }
        });
        assertEquals(List.of(), faults, kind + " gradients");
    }

    /** Every one of 30 Adam steps (lr 1e-3) on one tiny batch lowers the loss (the bench's step trains). */
    @ParameterizedTest
    @ValueSource(strings = {"bilstm", "transformer"})
    void everyStepLowersTheLoss(String kind) throws IOException {
        W4Models.Sizes sizes = sizes(object(fixture().get(kind)));
        W4Models.Tagger model = MODELS.get(kind).apply(sizes, new Random(3));
        W4Batches.Batch batch = new W4Batches(11).next(4, sizes);
        Optimizer adam = BenchOptimizers.create("adam", model);
        List<Float> losses = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            adam.zeroGrad();
            Var loss = model.loss(batch);
            loss.backward();
            adam.step();
            losses.add(loss.value().item());
        }
        for (int i = 1; i < losses.size(); i++) {
            assertTrue(losses.get(i) < losses.get(i - 1), kind + ": losses " + losses);
        }
    }

    /** The bench's W4 rows: names the peer's rows share, a full step by default, the flops of the products. */
    @Test
    void benchRowsAreNamedAsThePeersAndCountTheirFlops() {
        TrainingMeasurement m = Bench.w4("W4 bilstm", W4Models.biLstm(W4Models.Sizes.W4, new Random(0)),
                new EjmlGemm(), "adam");
        assertEquals("W4 bilstm b32 adam", m.name());
        assertEquals(32, m.batch());
        assertTrue(m.flops() > 0);
        Map<String, Double> r = m.measure(0, 1);
        assertEquals(List.of("step", "fwd", "bwd", "opt", "fwd_gemm", "bwd_gemm"), List.copyOf(r.keySet()));
    }
}
