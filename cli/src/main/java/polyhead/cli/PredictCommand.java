package polyhead.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.InputSpecKt;
import polyhead.dsl.spec.Labels;
import polyhead.dsl.spec.TaskSpec;
import polyhead.data.Vocabulary;
import polyhead.serve.Predictions;
import polyhead.serve.Predictor;
import polyhead.io.CsvRecords;
import polyhead.io.Idx;
import polyhead.serve.TaskOutput;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * {@code polyhead predict CHECKPOINT INPUT}: per-task predictions of a checkpoint's model for the samples of INPUT,
 * as CSV with one row per sample. Classification: the class index (and name, when the task names its classes) and the
 * softmax probability of each class;
 * binary labels: the sigmoid probability of each label; real values: the values; pixel class maps: the class of each
 * pixel, row-major, separated by spaces, in one cell.
 */
@Command(name = "predict", synopsisHeading = "", header = "per-task predictions for an IDX or CSV file, as CSV",
        customSynopsis = {"usage: polyhead predict CHECKPOINT INPUT [options]",
                "       polyhead predict CHECKPOINT --text SENTENCE"},
        descriptionHeading = "%n",
        description = {
                "Predicts with the model of CHECKPOINT (a checkpoint folder, or a run folder: its latest checkpoint) for",
                "every sample of INPUT, which is",
                "  an IDX file (.gz or not) of images [N, ...], whose unsigned bytes are scaled to [0, 1] as in training",
                "    on Fashion-MNIST, or",
                "  a CSV file with a header and one sample per row: its columns are the features, in the training",
                "    order; columns named after the spec's tasks (targets) are left out.",
                "Writes CSV with a header: the sample's row (from 0), then per task",
                "  classIndex     TASK.class, TASK.className (when the task names its classes) and TASK.p0, TASK.p1, ...",
                "                 (softmax probabilities)",
                "  binary         TASK.p0, TASK.p1, ... (sigmoid probability of each label)",
                "  realVector     TASK (one value) or TASK.0, TASK.1, ...",
                "  pixelClassMap  TASK.class: the class of each pixel, row-major, separated by spaces",
                "With --text (a model of a sequence spec): the sentence's words, split at white space, each on a line",
                "with its tag of every per-token task, then each per-sentence task's class."},
        optionListHeading = "%noptions:%n", sortOptions = false, footerHeading = "%n",
        footer = "exit codes: 0 ok, 1 bad checkpoint, input or files, 2 bad command line")
final class PredictCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CHECKPOINT INPUT", arity = "0..*", hidden = true)
    List<String> files = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE", description = "write the CSV to FILE (default: standard output)")
    Path outFile;

    @Option(names = "--text", paramLabel = "SENTENCE", description =
            "a sentence (words separated by spaces) for a model of a sequence spec, instead of INPUT")
    String text;

    @Mixin
    HelpOption help;

    private final PrintStream out;
    /** Where warnings go (a damaged checkpoint skipped); faults are reported by {@link Polyhead}. */
    private final PrintStream err;

    PredictCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (text != null) {
            return sentence();
        }
        if (files.size() != 2) {
            throw UserError.usage("predict takes a CHECKPOINT and an INPUT file, got " + files);
        }
        OutputFiles.checkTarget("--out", outFile); // before any work: a path that would be clobbered
        Experiments.Trained model = Experiments.load(Path.of(files.get(0)), err);
        Path input = Path.of(files.get(1));
        if (!Files.isRegularFile(input)) {
            throw UserError.of(input + ": no such input file");
        }
        Tensor x = input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")
                ? PredictInputs.csv(input, model.spec()) : images(input);
        x = fit(input, x, model.spec());
        Map<String, Tensor> y = model.trainer().predict(x);
        String csv = csv(model.spec(), y, x.shape().dim(0));
        if (outFile != null) {
            OutputFiles.write(outFile, csv);
            out.printf("wrote %s: predictions of %,d samples for tasks %s%n", outFile, x.shape().dim(0),
                    model.spec().getTasks().stream().map(TaskSpec::getName).toList());
        } else {
            out.print(csv);
        }
        return 0;
    }

    /**
     * {@code --text}: each word of the sentence with its tag of every per-token task (class names when the task has
     * them), then each per-sentence task's class.
     */
    private int sentence() {
        if (files.size() != 1 || outFile != null) {
            throw UserError.usage("predict --text takes a CHECKPOINT and no INPUT or --out, got " + files);
        }
        Experiments.Trained model = Experiments.load(Path.of(files.get(0)), err);
        if (!Sentences.isSequence(model.spec())) {
            throw UserError.usage("--text is for a model of a sequence spec; this model reads "
                    + InputSpecKt.modelInput(model.spec()) + " per sample: give an INPUT file");
        }
        if (text.isBlank()) {
            throw UserError.of("--text: the sentence is empty; give at least one word");
        }
        List<String> words = List.of(text.trim().split("\\s+"));
        Vocabulary vocabulary = model.experiment().getExperiment().modelDescription().vocabulary();
        int[] ids = vocabulary.encode(words);
        float[] x = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            x[i] = ids[i];
        }
        Predictions p = Predictor.ofSequences(model.experiment().getArchitecture())
                .predict(Tensor.wrap(Shape.of(1, ids.length), x), new int[] {ids.length});
        List<TaskSpec> perToken = model.spec().getTasks().stream().filter(t -> t.getLabels() == Labels.TOKEN_CLASS)
                .toList();
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < words.size(); w++) {
            sb.append(words.get(w));
            for (TaskSpec t : perToken) {
                sb.append('\t').append(className(t, p.task(t.getName()).predicted()[w]));
            }
            sb.append('\n');
        }
        for (TaskSpec t : model.spec().getTasks()) {
            if (t.getLabels() != Labels.TOKEN_CLASS) {
                sb.append(t.getName()).append(": ").append(className(t, p.task(t.getName()).predicted()[0]))
                        .append('\n');
            }
        }
        out.print(sb);
        return 0;
    }

    private static String className(TaskSpec t, int c) {
        return t.getClassNames().isEmpty() ? Integer.toString(c) : t.getClassNames().get(c);
    }

    /** An IDX file's samples; unsigned bytes (0–255) scaled to [0, 1]. */
    private static Tensor images(Path file) {
        Tensor t = Idx.read(file);
        if (t.rank() < 2) {
            throw UserError.of(file + ": an IDX input needs samples [N, ...], the file holds " + t.shape());
        }
        float[] v = t.data();
        float max = 0;
        for (float f : v) {
            max = Math.max(max, f);
        }
        if (max > 1) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= 255f;
            }
        }
        return t;
    }

    /** The inputs reshaped to [N, spec input], or a one-line error naming both shapes. */
    private static Tensor fit(Path file, Tensor x, ExperimentSpec spec) {
        int n = x.shape().dim(0);
        int[] dims = new int[InputSpecKt.modelInput(spec).size() + 1];
        dims[0] = n;
        int per = 1;
        for (int i = 0; i < InputSpecKt.modelInput(spec).size(); i++) {
            dims[i + 1] = InputSpecKt.modelInput(spec).get(i);
            per *= dims[i + 1];
        }
        if (n == 0 || x.size() / n != per) {
            throw UserError.of(file + ": samples of " + x.shape() + " do not fit the model's input "
                    + InputSpecKt.modelInput(spec) + " (" + per + " values per sample)");
        }
        return x.reshape(Shape.of(dims));
    }

    /** The predictions as CSV (RFC 4180, {@link CsvRecords#format}): a row number and each task's columns. */
    static String csv(ExperimentSpec spec, Map<String, Tensor> y, int n) {
        List<String> header = new ArrayList<>(List.of("row"));
        for (TaskSpec t : spec.getTasks()) {
            header.addAll(columns(t, y.get(t.getName())));
        }
        StringBuilder sb = new StringBuilder(CsvRecords.format(header));
        for (int i = 0; i < n; i++) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(i)));
            for (TaskSpec t : spec.getTasks()) {
                row.addAll(cells(t, y.get(t.getName()), i));
            }
            sb.append(CsvRecords.format(row));
        }
        return sb.toString();
    }

    private static List<String> columns(TaskSpec t, Tensor out) {
        String name = t.getName();
        int width = out.size() / out.shape().dim(0);
        List<String> cols = new ArrayList<>();
        switch (t.getLabels()) {
            case CLASS_INDEX -> {
                cols.add(name + ".class");
                if (!t.getClassNames().isEmpty()) {
                    cols.add(name + ".className");
                }
                for (int c = 0; c < width; c++) {
                    cols.add(name + ".p" + c);
                }
            }
            case BINARY -> {
                for (int c = 0; c < width; c++) {
                    cols.add(name + ".p" + c);
                }
            }
            case REAL_VECTOR -> {
                if (width == 1) {
                    cols.add(name);
                } else {
                    for (int c = 0; c < width; c++) {
                        cols.add(name + "." + c);
                    }
                }
            }
            case PIXEL_CLASS_MAP -> cols.add(name + ".class");
        }
        return cols;
    }

    /** The cells of sample {@code i} of a task's raw output {@code out}. */
    static List<String> cells(TaskSpec task, Tensor out, int i) {
        Labels labels = task.getLabels();
        int width = out.size() / out.shape().dim(0);
        float[] row = Arrays.copyOfRange(out.data(), i * width, (i + 1) * width);
        List<String> cells = new ArrayList<>();
        switch (labels) {
            case CLASS_INDEX -> {
                double[] p = TaskOutput.softmax(row, 0, row.length, 1);
                cells.add(Integer.toString(argmax(p)));
                if (!task.getClassNames().isEmpty()) {
                    cells.add(task.getClassNames().get(argmax(p)));
                }
                for (double v : p) {
                    cells.add(format(v));
                }
            }
            case BINARY -> {
                for (float v : row) {
                    cells.add(format(1 / (1 + Math.exp(-v))));
                }
            }
            case REAL_VECTOR -> {
                for (float v : row) {
                    cells.add(format(v));
                }
            }
            case PIXEL_CLASS_MAP -> {
                int classes = out.shape().dim(1);
                int pixels = width / classes;
                StringBuilder sb = new StringBuilder();
                for (int px = 0; px < pixels; px++) {
                    sb.append(px == 0 ? "" : " ").append(argmax(TaskOutput.softmax(row, px, classes, pixels)));
                }
                cells.add(sb.toString());
            }
        }
        return cells;
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
