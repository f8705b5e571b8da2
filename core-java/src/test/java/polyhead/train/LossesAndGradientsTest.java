package polyhead.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.data.Batch;
import polyhead.data.LabelType;
import polyhead.loss.Losses;
import polyhead.mtl.Task;
import polyhead.mtl.arch.HardSharing;
import polyhead.nn.Activation;
import polyhead.nn.Linear;
import polyhead.nn.Sequential;
import polyhead.optim.Optimizers;
import polyhead.tensor.Tensor;

/**
 * {@link Trainer#lossesAndGradients} on a tiny two-task model against an independent computation in doubles: the
 * forward pass and losses written out by hand, and every gradient by central differences of that computation.
 */
class LossesAndGradientsTest {
    private static final int N = 5;

    private static HardSharing model() {
        Random rng = new Random(11);
        List<Task> tasks = List.of(
                Task.builder("a").head(new Linear(3, 2, rng)).loss(Losses.crossEntropy()).build(),
                Task.builder("b").head(new Linear(3, 1, rng)).loss(Losses.mse()).labels(LabelType.REAL_VECTOR)
                        .weight(0.5).build());
        return new HardSharing(new Sequential(new Linear(2, 3, rng), Activation.tanh()), tasks);
    }

    private static Batch batch() {
        Tensor x = Tensor.randn(3, N, 2);
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("a", Tensor.of(new float[] {0, 1, 1, 0, 1}, N));
        t.put("b", Tensor.of(new float[] {0.5f, -1f, 2f, 0f, 0.25f}, N, 1));
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a", Tensor.of(new float[] {1, 1, 1, 1, 1}, N));
        m.put("b", Tensor.of(new float[] {1, 0, 1, 1, 1}, N)); // one missing label
        return new Batch(x, t, m);
    }

    /** The per-task losses [L_a, L_b] computed in doubles from the parameters {@code p} (by name). */
    private static double[] losses(Map<String, double[]> p, Batch b) {
        float[] x = b.inputs().data();
        double la = 0;
        double lb = 0;
        int nb = 0;
        for (int i = 0; i < N; i++) {
            double[] h = new double[3];
            for (int j = 0; j < 3; j++) {
                double s = p.get("trunk.0.bias")[j];
                for (int k = 0; k < 2; k++) {
                    s += p.get("trunk.0.weight")[j * 2 + k] * x[i * 2 + k];
                }
                h[j] = Math.tanh(s);
            }
            double[] z = new double[2];
            for (int c = 0; c < 2; c++) {
                z[c] = p.get("heads.a.bias")[c];
                for (int j = 0; j < 3; j++) {
                    z[c] += p.get("heads.a.weight")[c * 3 + j] * h[j];
                }
            }
            int y = (int) b.target("a").data()[i];
            double max = Math.max(z[0], z[1]);
            la += max + Math.log(Math.exp(z[0] - max) + Math.exp(z[1] - max)) - z[y];
            if (b.mask("b").data()[i] == 1) {
                double v = p.get("heads.b.bias")[0];
                for (int j = 0; j < 3; j++) {
                    v += p.get("heads.b.weight")[j] * h[j];
                }
                double d = v - b.target("b").data()[i];
                lb += d * d;
                nb++;
            }
        }
        return new double[] {la / N, lb / nb};
    }

    @Test
    void lossesTotalAndGradientsMatchAnIndependentComputation() {
        HardSharing m = model();
        Trainer t = Trainer.builder(m).optimizer(Optimizers.sgd(0.1)).build();
        Batch b = batch();
        Map<String, double[]> p = new LinkedHashMap<>();
        m.namedParameters().forEach((k, v) -> {
            float[] f = v.value().data();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            p.put(k, d);
        });
        Map<String, float[]> before = TrainerTest.weights(m);

        BatchGradients g = t.lossesAndGradients(b);

        double[] l = losses(p, b);
        assertEquals(l[0], g.taskLosses().get("a"), 1e-6);
        assertEquals(l[1], g.taskLosses().get("b"), 1e-6);
        assertEquals(l[0] + 0.5 * l[1], g.total(), 1e-6);
        assertEquals(p.keySet(), g.gradients().keySet());
        double h = 1e-6;
        for (String name : p.keySet()) {
            double[] w = p.get(name);
            float[] got = g.gradients().get(name).data();
            for (int i = 0; i < w.length; i++) {
                double keep = w[i];
                w[i] = keep + h;
                double[] up = losses(p, b);
                w[i] = keep - h;
                double[] down = losses(p, b);
                w[i] = keep;
                double fd = ((up[0] + 0.5 * up[1]) - (down[0] + 0.5 * down[1])) / (2 * h);
                assertEquals(fd, got[i], 1e-5 * (1 + Math.abs(fd)), name + "[" + i + "]");
            }
        }
        // nothing moved, and the parameters' own gradients are cleared
        TrainerTest.assertSameWeights(before, TrainerTest.weights(m));
        m.namedParameters().values().forEach(v -> {
            if (v.grad() != null) {
                for (float f : v.grad().data()) {
                    assertEquals(0f, f);
                }
            }
        });
    }

    @Test
    void imtlHScalesEachTasksObjectiveAndGivesItsLossScalesTheirGradients() {
        // IMTL-H with s_a = ln 2, s_b = 0: each head's gradient is e^{s_t}·∂L_t (the scaled objective's), each
        // scale's is e^{s_t}L_t − 1, and the shared gradient is IMTL-G's of the rows (2 g_a, g_b)
        HardSharing m = model();
        Batch b = batch();
        Map<String, Tensor> alone = new LinkedHashMap<>();
        Map<String, Double> losses = new LinkedHashMap<>();
        for (String task : List.of("a", "b")) {
            BatchGradients g = Trainer.builder(m).optimizer(Optimizers.sgd(0.1))
                    .weighting(polyhead.mtl.weighting.Weightings.fixed(Map.of("a", task.equals("a") ? 1.0 : 0.0,
                            "b", task.equals("b") ? 1.0 : 0.0))).build().lossesAndGradients(b);
            g.gradients().forEach((k, v) -> alone.put(task + "/" + k, v));
            losses.put(task, g.taskLosses().get(task));
        }
        polyhead.mtl.weighting.ImtlH imtl = polyhead.mtl.weighting.Weightings.imtlH(List.of("a", "b"));
        imtl.loadStateDict(Map.of("lossScale.a", Tensor.scalar((float) Math.log(2)), "lossScale.b", Tensor.scalar(0f)));
        Trainer t = Trainer.builder(m).optimizer(Optimizers.sgd(0.1)).weighting(imtl).build();
        BatchGradients g = t.lossesAndGradients(b);

        assertEquals(2 * losses.get("a") - 1, g.gradients().get("weighting.lossScale.a").item(), 1e-5);
        assertEquals(losses.get("b") - 1, g.gradients().get("weighting.lossScale.b").item(), 1e-5);
        assertEquals(losses, g.taskLosses(), "the reported losses are unscaled");
        for (String task : List.of("a", "b")) {
            double factor = task.equals("a") ? 2 : 1;
            for (String p : List.of("weight", "bias")) {
                float[] expected = alone.get(task + "/heads." + task + "." + p).data();
                float[] got = g.gradients().get("heads." + task + "." + p).data();
                for (int i = 0; i < got.length; i++) {
                    assertEquals(factor * expected[i], got[i], 1e-6, task + " head " + p + "[" + i + "]");
                }
            }
        }
        List<String> shared = List.of("trunk.0.weight", "trunk.0.bias");
        float[][] rows = new float[2][];
        for (int r = 0; r < 2; r++) {
            String task = r == 0 ? "a" : "b";
            java.util.List<Float> flat = new java.util.ArrayList<>();
            for (String p : shared) {
                for (float f : alone.get(task + "/" + p).data()) {
                    flat.add((float) ((r == 0 ? 2 : 1) * f));
                }
            }
            rows[r] = new float[flat.size()];
            for (int i = 0; i < rows[r].length; i++) {
                rows[r][i] = flat.get(i);
            }
        }
        float[] d = polyhead.mtl.weighting.Weightings.imtlG().combine(new polyhead.mtl.weighting.TaskGradients(
                List.of("a", "b"), rows, new double[] {1, 1}), null).shared();
        int k = 0;
        for (String p : shared) {
            for (float f : g.gradients().get(p).data()) {
                assertEquals(d[k++], f, 1e-6, p);
            }
        }
    }
}
