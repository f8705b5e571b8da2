package polyhead.serve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import polyhead.autodiff.Var;
import polyhead.data.LabelType;
import polyhead.mtl.Task;
import polyhead.mtl.arch.Architecture;
import polyhead.nn.Inference;
import polyhead.nn.SequenceLengths;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * Serves a trained multi-task network: built once from an {@link Architecture} and the shape of one sample, then
 * {@link #predict(Tensor)} for a batch or {@link #predict(float[])} for one sample gives every task's
 * {@link TaskOutput} (raw outputs; softmax probabilities and predicted classes for class tasks, sigmoid
 * probabilities for binary labels, the values for real targets).
 *
 * <p><b>No graph, no trainer.</b> A call runs the architecture's forward pass inside an {@link Inference} scope: no
 * operation records parents or keeps anything for a backward pass, and dropout and batch norm behave as in evaluation
 * mode, for the calling thread only. The architecture's own mode flag, parameters and buffers are read, never
 * written, so the predictor gives the architecture's evaluation-mode outputs whether or not it was left in training
 * mode.
 *
 * <p><b>Threads.</b> Safe to call from any number of threads at once: a call keeps everything it computes to itself;
 * the kernels' scratch buffers are per thread; a call that finds the process-wide worker pool busy with another
 * call's product runs its products on its own thread, with the same results bit for bit. What a predictor does not
 * guard against is someone changing the weights while it runs (training the same architecture, or loading a state
 * dict into it): serve a network that is no longer being trained.
 *
 * <p>Every matrix product goes through the process's GEMM ({@link polyhead.tensor.Gemms#current()});
 * {@link polyhead.tensor.Gemms#describe()} says which one, for a service's own log. A predictor prints nothing.
 */
public final class Predictor {
    private final Architecture architecture;
    /** The shape of one sample; null for sentences of token ids ({@link #ofSequences}). */
    private final Shape sampleShape;
    private final List<Task> tasks;

    private Predictor(Architecture architecture, Shape sampleShape) {
        this.architecture = architecture;
        this.sampleShape = sampleShape;
        this.tasks = architecture.tasks();
    }

    /**
     * A predictor over a sequence model, whose input is padded sentences of token ids [N, T] with their lengths
     * ({@link #predict(Tensor, int[])}); the lengths reach the sequence layers through a
     * {@link SequenceLengths} scope around the forward pass.
     */
    public static Predictor ofSequences(Architecture architecture) {
        return new Predictor(Objects.requireNonNull(architecture, "architecture"), null);
    }

    /** Whether the input is padded sentences of token ids ({@link #ofSequences}). */
    public boolean takesSequences() {
        return sampleShape == null;
    }

    /**
     * Outputs for a batch of sentences: token ids [N, T] padded after each sentence's end, and each sentence's
     * length (N values in [1, T]). A per-token task's {@link TaskOutput} covers all N·T positions; those at or after
     * a sentence's length are padding.
     *
     * @throws IllegalArgumentException one line naming the shape or the length at fault, or if this predictor takes
     *                                  fixed-size samples
     */
    public Predictions predict(Tensor ids, int[] lengths) {
        if (!takesSequences()) {
            throw new IllegalArgumentException("predictor input: this model takes fixed-size samples " + sampleShape
                    + ", not sentences with lengths");
        }
        Shape s = ids.shape();
        if (s.rank() != 2 || lengths.length != s.dim(0)) {
            throw new IllegalArgumentException("predictor input " + s + " with " + lengths.length + " lengths: "
                    + "expected token ids [N, T] and N lengths");
        }
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 1 || lengths[i] > s.dim(1)) {
                throw new IllegalArgumentException("predictor input: length " + lengths[i] + " of sentence " + i
                        + " is outside [1, " + s.dim(1) + "] for token ids " + s);
            }
        }
        try (SequenceLengths.Scope scope = SequenceLengths.open(lengths.clone())) {
            return run(ids);
        }
    }

    /**
     * A predictor over {@code architecture}, whose input is one sample of shape {@code sampleDims} (e.g. {@code 784},
     * or {@code 1, 28, 28}). The tasks, their names and label types are the architecture's.
     */
    public static Predictor of(Architecture architecture, int... sampleDims) {
        Objects.requireNonNull(architecture, "architecture");
        if (sampleDims.length == 0) {
            throw new IllegalArgumentException("a predictor needs the shape of one input sample, e.g. of(arch, 784)");
        }
        for (int d : sampleDims) {
            if (d <= 0) {
                throw new IllegalArgumentException("sample shape " + Arrays.toString(sampleDims)
                        + ": every dimension must be positive");
            }
        }
        return new Predictor(architecture, Shape.of(sampleDims));
    }

    /** The architecture served. */
    public Architecture architecture() {
        return architecture;
    }

    /** The shape of one input sample; null for a predictor of sentences ({@link #ofSequences}). */
    public Shape sampleShape() {
        return sampleShape;
    }

    /** The task names in declaration order. */
    public List<String> taskNames() {
        return architecture.taskNames();
    }

    /** Outputs for one sample given as its values in row-major order (as many as the sample shape holds). */
    public Predictions predict(float[] sample) {
        requireFixedSize();
        if (sample.length != sampleShape.size()) {
            throw new IllegalArgumentException("predictor input: one sample holds " + sampleShape.size()
                    + " values (sample shape " + sampleShape + "), got " + sample.length);
        }
        return run(Tensor.wrap(batchShape(1), sample.clone()));
    }

    /**
     * Outputs for a batch {@code inputs} of N samples: shape [N, sample shape...], or any shape [N, ...] with as many
     * values per sample (it is read as [N, sample shape...]). The input is not modified.
     */
    public Predictions predict(Tensor inputs) {
        requireFixedSize();
        Shape s = inputs.shape();
        if (s.rank() < 2 || s.sizeBetween(1, s.rank()) != sampleShape.size()) {
            throw new IllegalArgumentException("predictor input " + s + ": expected [N, " + dims(sampleShape)
                    + "] (N samples of " + sampleShape.size() + " values)");
        }
        int n = s.dim(0);
        return run(s.equals(batchShape(n)) ? inputs : inputs.reshape(batchShape(n)));
    }

    private void requireFixedSize() {
        if (takesSequences()) {
            throw new IllegalArgumentException("predictor input: this model reads sentences; give token ids [N, T] "
                    + "and their lengths, predict(ids, lengths)");
        }
    }

    private Shape batchShape(int n) {
        int[] d = new int[sampleShape.rank() + 1];
        d[0] = n;
        System.arraycopy(sampleShape.dims(), 0, d, 1, sampleShape.rank());
        return Shape.of(d);
    }

    private static String dims(Shape s) {
        String t = s.toString();
        return t.substring(1, t.length() - 1);
    }

    private Predictions run(Tensor x) {
        int n = x.shape().dim(0);
        Map<String, Tensor> raw = new LinkedHashMap<>();
        try (var scope = Inference.enter()) {
            Map<String, Var> out = architecture.outputs(Var.constant(x));
            // copied: inside an Arena the caller opened, an operation's value is arena memory
            out.forEach((t, v) -> raw.put(t, v.value().copy()));
        }
        Map<String, TaskOutput> outputs = new LinkedHashMap<>();
        for (Task t : tasks) {
            Tensor y = raw.get(t.name());
            if (y.shape().rank() == 0 || y.shape().dim(0) != n) {
                throw new IllegalStateException("task " + t.name() + ": the network gave an output of shape "
                        + y.shape() + " for " + n + " samples");
            }
            outputs.put(t.name(), output(t.name(), t.labelType(), y));
        }
        return new Predictions(n, outputs);
    }

    /** A task's {@link TaskOutput} from its raw output {@code y} [N, ...]. */
    static TaskOutput output(String task, LabelType labels, Tensor y) {
        return switch (labels) {
            case CLASS_INDEX, PIXEL_CLASS_MAP -> classes(task, labels, y);
            case BINARY -> new TaskOutput(task, labels, y, sigmoid(y), null);
            case REAL_VECTOR -> new TaskOutput(task, labels, y, null, null);
            case TOKEN_CLASS -> tokenClasses(task, y);
        };
    }

    /** Softmax over the last axis of per-token logits {@code y} [N, T, C], and each token's most probable class. */
    private static TaskOutput tokenClasses(String task, Tensor y) {
        Shape s = y.shape();
        if (s.rank() != 3) {
            throw new IllegalStateException("task " + task + " (" + LabelType.TOKEN_CLASS + "): expected logits "
                    + "[N, T, C], the network gave " + s);
        }
        int c = s.dim(2);
        int positions = s.dim(0) * s.dim(1);
        float[] v = y.data();
        float[] p = new float[v.length];
        int[] predicted = new int[positions];
        double[] e = new double[c];
        for (int i = 0; i < positions; i++) {
            TaskOutput.softmax(v, i * c, c, 1, e);
            int best = 0;
            for (int k = 0; k < c; k++) {
                p[i * c + k] = (float) e[k];
                if (e[k] > e[best]) {
                    best = k;
                }
            }
            predicted[i] = best;
        }
        return new TaskOutput(task, LabelType.TOKEN_CLASS, y, Tensor.wrap(s, p), predicted);
    }

    /** Softmax over axis 1 of {@code y} [N, C, ...] and the most probable class of each sample (and position). */
    private static TaskOutput classes(String task, LabelType labels, Tensor y) {
        Shape s = y.shape();
        if (s.rank() < 2 || labels == LabelType.CLASS_INDEX && s.rank() != 2) {
            throw new IllegalStateException("task " + task + " (" + labels + "): expected logits "
                    + (labels == LabelType.CLASS_INDEX ? "[N, C]" : "[N, C, H, W]") + ", the network gave " + s);
        }
        int n = s.dim(0);
        int c = s.dim(1);
        int inner = s.sizeBetween(2, s.rank());
        float[] v = y.data();
        float[] p = new float[v.length];
        int[] predicted = new int[n * inner];
        double[] e = new double[c];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < inner; j++) {
                int base = i * c * inner + j;
                TaskOutput.softmax(v, base, c, inner, e);
                int best = 0;
                for (int k = 0; k < c; k++) {
                    p[base + k * inner] = (float) e[k];
                    if (e[k] > e[best]) {
                        best = k;
                    }
                }
                predicted[i * inner + j] = best;
            }
        }
        return new TaskOutput(task, labels, y, Tensor.wrap(s, p), predicted);
    }

    private static Tensor sigmoid(Tensor y) {
        float[] v = y.data();
        float[] p = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            p[i] = (float) (1 / (1 + Math.exp(-v[i])));
        }
        return Tensor.wrap(y.shape(), p);
    }

    @Override
    public String toString() {
        List<String> t = new ArrayList<>();
        tasks.forEach(task -> t.add(task.name() + " (" + task.labelType() + ")"));
        return "Predictor(" + architecture.typeName() + ", sample " + (sampleShape == null ? "[T] token ids"
                : sampleShape) + ", tasks " + t + ")";
    }
}
