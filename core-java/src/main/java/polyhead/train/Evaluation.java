package polyhead.train;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.data.Batch;
import polyhead.data.BatchSource;
import polyhead.data.Batching;
import polyhead.data.Dataset;
import polyhead.metrics.Metric;
import polyhead.mtl.Task;
import polyhead.mtl.arch.Architecture;
import polyhead.nn.SequenceLengths;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/** Evaluation and prediction over whole datasets, in evaluation mode and without a graph. */
final class Evaluation {
    private Evaluation() {
    }

    /**
     * Per task: {@code <task>.loss} (the loss averaged over every labelled sample of the dataset) and
     * {@code <task>.<metric>} for each of the task's metrics; and {@code loss} = Σ w_t·loss_t with the declared
     * weights over the tasks that have labels. Tasks without any label in {@code data} are left out.
     */
    static Map<String, Double> evaluate(Architecture arch, Dataset data, int batchSize) {
        return evaluate(arch, Batching.sequential(data, batchSize));
    }

    /**
     * {@link #evaluate(Architecture, Dataset, int)} over the batches of one epoch of {@code batches} (drawn with
     * {@code Random(0)}; e.g. padded sentence batches, whose lengths the sequence layers read): losses averaged over
     * the labelled samples (tokens, for per-token tasks) of all batches.
     */
    static Map<String, Double> evaluate(Architecture arch, BatchSource batches) {
        boolean wasTraining = arch.isTraining();
        arch.eval();
        Map<String, double[]> lossSums = new LinkedHashMap<>();
        Map<String, Map<String, Metric.Accumulator>> acc = new LinkedHashMap<>();
        for (Task t : arch.tasks()) {
            if (batches.tasks().contains(t.name())) {
                Map<String, Metric.Accumulator> m = new LinkedHashMap<>();
                t.metrics().forEach(metric -> m.put(metric.name(), metric.newAccumulator()));
                acc.put(t.name(), m);
            }
        }
        try (var scope = GradMode.noGrad()) {
            Iterator<List<Batch>> it = batches.epoch(new Random(0));
            while (it.hasNext()) {
                for (Batch b : it.next()) {
                    Map<String, Var> out;
                    try (SequenceLengths.Scope lengths = SequenceLengths.open(b.lengths())) {
                        out = arch.outputs(Var.constant(b.inputs()), acc.keySet());
                    }
                    for (String t : acc.keySet()) {
                        int labelled = b.labelCount(t);
                        if (labelled == 0) {
                            continue;
                        }
                        Task task = arch.task(t);
                        double loss = task.loss().apply(out.get(t), b.target(t), b.mask(t), b.sampleWeights(t)).value().item();
                        double[] s = lossSums.computeIfAbsent(t, k -> new double[2]);
                        s[0] += loss * labelled;
                        s[1] += labelled;
                        for (Metric.Accumulator a : acc.get(t).values()) {
                            a.add(out.get(t).value(), b.target(t), b.mask(t));
                        }
                    }
                }
            }
        } finally {
            arch.train(wasTraining);
        }
        Map<String, Double> result = new LinkedHashMap<>();
        double total = 0;
        for (String t : acc.keySet()) {
            double[] s = lossSums.get(t);
            if (s == null) {
                continue;
            }
            double mean = s[0] / s[1];
            result.put(t + ".loss", mean);
            total += arch.task(t).weight() * mean;
            acc.get(t).forEach((name, a) -> result.put(t + "." + name, a.result()));
        }
        result.put("loss", total);
        return result;
    }

    /** Every task's raw output for {@code inputs} [N, ...], computed in batches. */
    static Map<String, Tensor> predict(Architecture arch, Tensor inputs, int batchSize) {
        boolean wasTraining = arch.isTraining();
        arch.eval();
        int n = inputs.shape().dim(0);
        int width = n == 0 ? 0 : inputs.size() / n;
        Map<String, float[]> out = new LinkedHashMap<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        try (var scope = GradMode.noGrad()) {
            for (int start = 0; start < n; start += batchSize) {
                int rows = Math.min(batchSize, n - start);
                float[] slice = new float[rows * width];
                System.arraycopy(inputs.data(), start * width, slice, 0, rows * width);
                Tensor x = Tensor.wrap(inputs.shape().with(0, rows), slice);
                Map<String, Var> y = arch.outputs(Var.constant(x));
                for (Map.Entry<String, Var> e : y.entrySet()) {
                    Tensor v = e.getValue().value();
                    int w = v.size() / rows;
                    shapes.putIfAbsent(e.getKey(), v.shape().with(0, n));
                    float[] dst = out.computeIfAbsent(e.getKey(), k -> new float[n * w]);
                    System.arraycopy(v.data(), 0, dst, start * w, rows * w);
                }
            }
        } finally {
            arch.train(wasTraining);
        }
        Map<String, Tensor> result = new LinkedHashMap<>();
        out.forEach((t, d) -> result.put(t, Tensor.wrap(shapes.get(t), d)));
        return result;
    }
}
