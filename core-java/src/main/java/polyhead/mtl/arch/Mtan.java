package polyhead.mtl.arch;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import polyhead.autodiff.Var;
import polyhead.autodiff.ops.Shaping;
import polyhead.mtl.Task;
import polyhead.nn.Activation;
import polyhead.nn.Conv2d;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.ModuleDict;
import polyhead.nn.Sequential;

/**
 * Multi-task attention network (Liu, Johns &amp; Davison, "End-to-End Multi-Task Learning with Attention", CVPR 2019):
 * one shared trunk, and per task a soft-attention module at every block of it that selects the task's features from
 * the shared ones. At block j with output p^(j) and intermediate features u^(j), task i's mask is
 * a_i^(j) = g_i^(j)([u^(j); f^(j)(â_i^(j−1))]) and its attended features â_i^(j) = a_i^(j) ⊙ p^(j) (their eq. 1–2, Fig. 2);
 * the task's head reads â_i of the last block. g is 1×1 convolution, ReLU, 1×1 convolution, sigmoid for feature maps
 * [C, H, W] and dense, ReLU, dense, sigmoid for vectors, with as many channels as p^(j) (twice as many inputs after
 * the first block, where it reads u^(1) alone).
 *
 * <p>On a generic layer-list trunk (the paper's is SegNet/VGG): the trunk is cut into blocks (by default one ending at
 * every activation); u^(j) is the block's output before its last layer (for a dense or convolution followed by an
 * activation: the pre-activation, as the paper's u is the block's inner convolution output), or the block's output
 * for a block of one layer. Deviations: f^(j), which in the paper is a task-shared 3×3 convolution block with pooling
 * that brings â^(j−1) to block j's resolution, is here block j's own layers up to u^(j) (the trunk's weights, so no
 * extra parameters and the shapes agree by construction); g has no batch normalization; the decoder half of the
 * SegNet original is left to the heads. A block's last layer must keep the shape (p^(j) and u^(j) agree), which the
 * default blocks do.
 *
 * <p>Parameters: {@code blocks.<j>.*} (the trunk, shared), {@code attention.<task>.<j>.*} and {@code heads.<task>.*}
 * (the task's). There is no single shared representation: every block's features are shared.
 */
public final class Mtan extends Architecture {
    private final List<Sequential> blocks;
    private final ModuleDict attention;
    private final ModuleDict heads;

    /**
     * @param blocks       the trunk's blocks, in order; each block's last layer must keep its input's shape
     * @param outputShapes each block's per-sample output shape ([d] or [C, H, W])
     * @param rng          draws the attention modules, task by task and block by block
     */
    public Mtan(List<Sequential> blocks, List<int[]> outputShapes, List<Task> tasks, Random rng) {
        super(tasks);
        if (blocks.isEmpty() || blocks.size() != outputShapes.size()) {
            throw new IllegalArgumentException("MTAN needs at least one block and one output shape per block, got "
                    + blocks.size() + " blocks and " + outputShapes.size() + " shapes");
        }
        this.blocks = List.copyOf(blocks);
        Map<String, Module> b = new LinkedHashMap<>();
        for (int j = 0; j < blocks.size(); j++) {
            b.put(Integer.toString(j), blocks.get(j));
        }
        registerModule("blocks", new ModuleDict(b));
        Map<String, Module> byTask = new LinkedHashMap<>();
        for (Task t : tasks) {
            Map<String, Module> perBlock = new LinkedHashMap<>();
            for (int j = 0; j < blocks.size(); j++) {
                perBlock.put(Integer.toString(j), gate(outputShapes.get(j), j > 0, rng));
            }
            byTask.put(t.name(), new ModuleDict(perBlock));
        }
        this.attention = registerModule("attention", new ModuleDict(byTask));
        Map<String, Module> h = new LinkedHashMap<>();
        tasks.forEach(t -> h.put(t.name(), t.head()));
        this.heads = registerModule("heads", new ModuleDict(h));
    }

    /** g: two 1×1 convolutions (maps) or dense layers (vectors), ReLU between, sigmoid after. */
    private static Module gate(int[] shape, boolean withPrevious, Random rng) {
        int c = shape[0];
        int in = withPrevious ? 2 * c : c;
        if (shape.length == 3) {
            return new Sequential(new Conv2d(in, c, 1, rng), Activation.relu(), new Conv2d(c, c, 1, rng),
                    Activation.sigmoid());
        }
        if (shape.length != 1) {
            throw new IllegalArgumentException("MTAN attends to vectors [d] or feature maps [C, H, W]; a block outputs "
                    + Arrays.toString(shape));
        }
        return new Sequential(new Linear(in, c, rng), Activation.relu(), new Linear(c, c, rng), Activation.sigmoid());
    }

    @Override
    public String typeName() {
        return "MTAN";
    }

    @Override
    public Map<String, Var> outputs(Var input, Collection<String> taskNames) {
        Var x = input;
        Map<String, Var> attended = new LinkedHashMap<>();
        for (int j = 0; j < blocks.size(); j++) {
            Sequential block = blocks.get(j);
            Var u = inner(block, x);
            Var p = block.size() > 1 ? block.get(block.size() - 1).call(u) : u;
            if (!Arrays.equals(u.shape().dims(), p.shape().dims())) {
                throw new polyhead.tensor.ShapeException("MTAN: block " + j + "'s last layer changes the shape from "
                        + u.shape() + " to " + p.shape() + "; end the block before it");
            }
            for (String t : taskNames()) {
                if (!taskNames.contains(t)) {
                    continue;
                }
                Var previous = attended.get(t);
                Var in = previous == null ? u : Shaping.concat(1, u, inner(block, previous));
                Var mask = attention.get(t).children().get(Integer.toString(j)).call(in);
                attended.put(t, mask.mul(p));
            }
            x = p;
        }
        Map<String, Var> out = new LinkedHashMap<>();
        for (String t : taskNames()) {
            if (taskNames.contains(t)) {
                out.put(t, heads.get(t).call(attended.get(t)));
            }
        }
        return out;
    }

    /** u: the block's layers but the last on {@code x} (all of a one-layer block). */
    private static Var inner(Sequential block, Var x) {
        int n = Math.max(1, block.size() - 1);
        for (int i = 0; i < n; i++) {
            x = block.get(i).call(x);
        }
        return x;
    }

    @Override
    public Map<String, Var> sharedParameters() {
        return prefixed("blocks", children().get("blocks"));
    }

    @Override
    public Map<String, Map<String, Var>> taskParameters() {
        Map<String, Map<String, Var>> out = new LinkedHashMap<>();
        for (String t : taskNames()) {
            Map<String, Var> p = new LinkedHashMap<>(prefixed("attention." + t, attention.get(t)));
            p.putAll(prefixed("heads." + t, heads.get(t)));
            out.put(t, p);
        }
        return out;
    }

    /** The number of blocks, each with an attention module per task. */
    public int blockCount() {
        return blocks.size();
    }
}
