package polyhead.autodiff.ops;

import java.util.Arrays;

import polyhead.autodiff.Var;
import polyhead.tensor.Arena;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

/**
 * Pooling over the time axis of padded sequences x [B, T, F] → [B, F], skipping the padding: sequence b's valid steps
 * are 0 … lengths[b] − 1 ({@code lengths} holds B values in [1, T]; null means every sequence is T long). The
 * padded steps get gradient 0.
 */
public final class SequencePooling {
    private SequencePooling() {
    }

    /** The mean over each sequence's valid steps: Σ_{t<L} x[b, t] / L. ∂/∂x[b, t] = g[b] / L for t &lt; L. */
    public static Var mean(Var x, int[] lengths) {
        Shape s = checkInput("mean pooling", x);
        int[] len = Lengths.check("mean pooling", s, lengths);
        int b = s.dim(0);
        int t = s.dim(1);
        int f = s.dim(2);
        float[] xd = x.value().data();
        float[] out = Arena.floatsToOverwrite(b * f); // every element written
        double[] acc = new double[f];
        for (int r = 0; r < b; r++) {
            Arrays.fill(acc, 0);
            for (int k = 0; k < len[r]; k++) {
                for (int j = 0, o = (r * t + k) * f; j < f; j++) {
                    acc[j] += xd[o + j];
                }
            }
            for (int j = 0; j < f; j++) {
                out[r * f + j] = (float) (acc[j] / len[r]);
            }
        }
        return Var.result(Tensor.wrap(Shape.of(b, f), out), "meanPooling", g -> {
            float[] dg = g.data();
            float[] gx = Arena.floats(s.size());
            for (int r = 0; r < b; r++) {
                for (int k = 0; k < len[r]; k++) {
                    for (int j = 0, o = (r * t + k) * f; j < f; j++) {
                        gx[o + j] = dg[r * f + j] / len[r];
                    }
                }
            }
            x.addFreshGrad(Tensor.wrap(s, gx));
        }, x);
    }

    /**
     * The maximum over each sequence's valid steps, per feature; a NaN among them is the result, as in PyTorch.
     * ∂/∂x = g at the step that gave the maximum (the first of equal ones), 0 elsewhere.
     */
    public static Var max(Var x, int[] lengths) {
        Shape s = checkInput("max pooling", x);
        int[] len = Lengths.check("max pooling", s, lengths);
        int t = s.dim(1);
        int f = s.dim(2);
        float[] xd = x.value().data();
        int[] arg = Arena.intsToOverwrite(s.dim(0) * f); // the flat index into x each output comes from
        for (int r = 0; r < len.length; r++) {
            for (int j = 0; j < f; j++) {
                int best = r * t * f + j;
                for (int k = 1; k < len[r] && !Float.isNaN(xd[best]); k++) {
                    int i = (r * t + k) * f + j;
                    if (xd[i] > xd[best] || Float.isNaN(xd[i])) {
                        best = i;
                    }
                }
                arg[r * f + j] = best;
            }
        }
        return gather(x, arg, "maxPooling");
    }

    /** Each sequence's last valid step x[b, L − 1]: the state a forward recurrence ends in. */
    public static Var last(Var x, int[] lengths) {
        Shape s = checkInput("last pooling", x);
        int[] len = Lengths.check("last pooling", s, lengths);
        int[] step = new int[len.length];
        for (int r = 0; r < step.length; r++) {
            step[r] = len[r] - 1;
        }
        return pick(x, step, "lastPooling");
    }

    /**
     * Each sequence's first step x[b, 0] (a classification token placed first, as BERT's [CLS]); lengths play no
     * part, every sequence has a first step.
     */
    public static Var first(Var x) {
        Shape s = checkInput("first pooling", x);
        return pick(x, new int[s.dim(0)], "firstPooling");
    }

    /** x[b, step[b]] → [B, F]; ∂/∂x = g at those steps. */
    private static Var pick(Var x, int[] step, String name) {
        int t = x.shape().dim(1);
        int f = x.shape().dim(2);
        int[] arg = Arena.intsToOverwrite(step.length * f);
        for (int r = 0; r < step.length; r++) {
            for (int j = 0; j < f; j++) {
                arg[r * f + j] = (r * t + step[r]) * f + j;
            }
        }
        return gather(x, arg, name);
    }

    /** out[r, j] = x.data[arg[r·F + j]] → [B, F]; ∂/∂x = g scattered back to those elements. */
    private static Var gather(Var x, int[] arg, String name) {
        int b = x.shape().dim(0);
        int f = x.shape().dim(2);
        float[] xd = x.value().data();
        float[] out = Arena.floatsToOverwrite(b * f); // every element written
        for (int i = 0; i < out.length; i++) {
            out[i] = xd[arg[i]];
        }
        return Var.result(Tensor.wrap(Shape.of(b, f), out), name, g -> {
            float[] dg = g.data();
            float[] gx = Arena.floats(x.shape().size());
            for (int i = 0; i < dg.length; i++) {
                gx[arg[i]] += dg[i];
            }
            x.addFreshGrad(Tensor.wrap(x.shape(), gx));
        }, x);
    }

    private static Shape checkInput(String op, Var x) {
        Shape s = x.shape();
        if (s.rank() != 3 || s.dim(1) == 0) {
            throw new ShapeException(op + ": input " + s + " is not [batch, time, features] with at least one step");
        }
        return s;
    }
}
