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
}
