package polyhead.nn;

import java.util.ArrayList;
import java.util.List;

import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/** Builds {@link Module#summary}: records the leaf modules a forward pass calls. */
final class Summary {
    private record Row(String name, String type, Shape output, long params) {
    }

    private static final ThreadLocal<List<Row>> RECORDING = new ThreadLocal<>();

    private Summary() {
    }

    /** True while {@link #of} runs on this thread (every layer's output is recorded). */
    static boolean isRecording() {
        return RECORDING.get() != null;
    }

    static void record(Module m, Var out) {
        List<Row> rows = RECORDING.get();
        if (rows != null && m.children().isEmpty()) {
            rows.add(new Row(m.path(), m.typeName(), out.shape(), m.parameterCount()));
        }
    }

    static String of(Module root, int... inputDims) {
        int[] dims = new int[inputDims.length + 1];
        dims[0] = 1;
        System.arraycopy(inputDims, 0, dims, 1, inputDims.length);
        boolean wasTraining = root.isTraining();
        List<Row> rows = new ArrayList<>();
        RECORDING.set(rows);
        try (var scope = GradMode.noGrad()) {
            root.eval();
            root.summaryForward(Var.constant(Tensor.zeros(dims)));
        } finally {
            RECORDING.remove();
            root.train(wasTraining);
        }
        List<String[]> cells = new ArrayList<>();
        cells.add(new String[] {"Layer (type)", "Output shape", "Params"});
        for (Row r : rows) {
            cells.add(new String[] {(r.name().isEmpty() ? "(root)" : r.name()) + " (" + r.type() + ")",
                    batchFirst(r.output()), String.format("%,d", r.params())});
        }
        int w0 = 0;
        int w1 = 0;
        for (String[] c : cells) {
            w0 = Math.max(w0, c[0].length());
            w1 = Math.max(w1, c[1].length());
        }
        StringBuilder sb = new StringBuilder();
        String rule = "-".repeat(w0 + w1 + 16) + "\n";
        for (int i = 0; i < cells.size(); i++) {
            String[] c = cells.get(i);
            sb.append(String.format("%-" + w0 + "s  %-" + w1 + "s  %12s%n", c[0], c[1], c[2]));
            if (i == 0) {
                sb.append(rule);
            }
        }
        sb.append(rule);
        sb.append(String.format("Total params: %,d%n", root.parameterCount()));
        return sb.toString();
    }

    /** A shape with its batch dimension shown as N. */
    private static String batchFirst(Shape s) {
        String t = s.toString();
        return s.rank() == 0 ? t : "[N" + t.substring(t.indexOf(',') < 0 ? t.length() - 1 : t.indexOf(','));
    }
}
