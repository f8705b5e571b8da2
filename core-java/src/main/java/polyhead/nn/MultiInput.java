package polyhead.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Shaping;
import polyhead.tensor.ShapeException;

/**
 * Several named inputs, each read by its own branch, merged by concatenation: the input is one row per sample with
 * the inputs' values side by side ({@code [N, Σ size_i]}, in the order of {@code branches}; {@code polyhead.data
 * .InputLayout} packs them), split into each input's per-sample shape, passed through its branch, flattened and
 * concatenated into {@code [N, Σ out_i]}. Packing keeps one input tensor per batch, so batching, checkpoints and
 * prediction need nothing new. Each branch is registered under its input's name ({@code image.0.weight}).
 */
public final class MultiInput extends Module {
    private final List<String> names;
    private final List<int[]> shapes;
    private final int[] sizes;

    /**
     * @param shapes   each input's per-sample shape, in packing order
     * @param branches each input's branch, by the same names (an empty {@link Sequential} passes the input on)
     */
    public MultiInput(Map<String, int[]> shapes, Map<String, ? extends Module> branches) {
        if (shapes.isEmpty() || !shapes.keySet().equals(branches.keySet())) {
            throw new IllegalArgumentException("MultiInput: one branch per input; inputs " + shapes.keySet()
                    + ", branches " + branches.keySet());
        }
        this.names = List.copyOf(shapes.keySet());
        this.shapes = new ArrayList<>();
        this.sizes = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            int[] s = shapes.get(names.get(i)).clone();
            this.shapes.add(s);
            sizes[i] = Arrays.stream(s).reduce(1, Math::multiplyExact);
            registerModule(names.get(i), branches.get(names.get(i)));
        }
    }

    /** The inputs' names in packing order. */
    public List<String> names() {
        return names;
    }

    /** The packed width: the sum of the inputs' per-sample sizes. */
    public int width() {
        return Arrays.stream(sizes).sum();
    }

    @Override
    protected Var forward(Var x) {
        if (x.shape().rank() != 2 || x.shape().dim(1) != width()) {
            throw new ShapeException("multi-input: a packed input [N, " + width() + "] (" + describe()
                    + ") was expected, got " + x.shape());
        }
        Var[] parts = Shaping.split(x, 1, sizes);
        Var[] outs = new Var[parts.length];
        int n = x.shape().dim(0);
        for (int i = 0; i < parts.length; i++) {
            int[] s = shapes.get(i);
            int[] dims = new int[s.length + 1];
            dims[0] = n;
            System.arraycopy(s, 0, dims, 1, s.length);
            Var in = s.length == 1 ? parts[i] : Shaping.reshape(parts[i], dims);
            Var out = children().get(names.get(i)).call(in);
            outs[i] = out.shape().rank() == 2 ? out : Shaping.flatten(out, 1);
        }
        return outs.length == 1 ? outs[0] : Shaping.concat(1, outs);
    }

    private String describe() {
        Map<String, String> d = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            d.put(names.get(i), Arrays.toString(shapes.get(i)));
        }
        return d.toString();
    }
}
