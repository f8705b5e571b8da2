package polyhead.datasets;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import polyhead.data.DataException;
import polyhead.data.Dataset;
import polyhead.datasets.FashionMnist;
import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * Multi-Fashion: two Fashion-MNIST items on one canvas, one 10-class task per item — {@value #LEFT} (the item placed
 * up and left) and {@value #RIGHT} (the item placed down and right). Built from the same IDX files as
 * {@link FashionMnist}, seeded. Inputs [N, 1, S, S] in [0, 1]; targets [N] class indices.
 *
 * <p>Two published recipes, both on a 36×36 canvas where each 28×28 item is pasted and the overlap takes the
 * pixel-wise maximum:
 * <ul>
 *   <li>{@link Recipe#PARETO_MTL} — Lin, Zhen, Li, Zhang &amp; Kwong, "Pareto Multi-Task Learning", NeurIPS 2019,
 *       following the MultiMNIST of Sabour, Frosst &amp; Hinton, "Dynamic Routing Between Capsules", NIPS 2017:
 *       36×36 kept as is (their LeNet reads {@code [N, 1, 36, 36]}: {@code Xi-L/ParetoMTL multiMNIST/train.py}),
 *       120,000 training and 20,000 test images. Each item starts centred (4 px padding, as Sabour et al.); the
 *       left item is shifted up and left and the right item down and right, by 0–4 px on each axis independently
 *       and uniformly; the two items have different classes (as Sabour et al.).</li>
 *   <li>{@link Recipe#SENER_KOLTUN} — Sener &amp; Koltun, "Multi-Task Learning as Multi-Objective Optimization",
 *       NeurIPS 2018 ({@code isl-org/MultiObjectiveOptimization multi_task/loaders/multi_mnist_loader.py}): left
 *       item at (0, 0), right item at (6, 6), no random shift, partner drawn uniformly from the whole split (any
 *       class), one image per source image (60,000 / 10,000), each canvas contrast-stretched so its maximum is 1 and
 *       quantized to 1/255 (what {@code scipy.misc.imresize} did to a float array), then resized to 28×28 by nearest
 *       neighbour (source pixel ⌊(i + ½)·36/28⌋, as PIL).</li>
 * </ul>
 *
 * <p>Where this deviates: Lin et al. published their data as pickles, not the script that made them, so the
 * {@code PARETO_MTL} placement above is our reading of their text and of Sabour et al.'s script (which shifts each
 * item by −4..4 px in any direction and overlays by a sum clipped at 255; fixing the shift directions is what makes
 * "left" and "right" well-defined tasks, and the maximum is Sener &amp; Koltun's overlap rule). Checked against their
 * text (§6.1: "one digit on the top-left corner and the other one on the bottom-right corner. Each digit can be moved
 * up to 4 pixels on each direction"): on a 36×36 canvas a 28×28 item's corner positions are (0, 0) and (8, 8), and an
 * item that stays on the canvas can only move inward from its corner, so that reading puts the left item's corner in
 * [0, 4]² and the right item's in [4, 8]², exactly the placement here. The items are 0–8 px apart on each axis (4 on
 * average) and always share at least 20 of their 28 rows and columns; only items moved off the canvas (cropped), which
 * the text does not describe, would overlap less. The paper shows no sample images (its figures are diagrams and
 * plots), so the text is all there is to check against. Left items cycle
 * through seeded permutations of the source split, so each source image is a left item equally often (twice at the
 * published size). {@code SENER_KOLTUN} walks left items in file order as the original does; neither recipe applies
 * the original's input normalization (mean 0.1307, std 0.3081), which belongs to the model. Any size may be asked
 * for, so samples and tests can use a few thousand images.
 */
public final class MultiFashion {
    public static final String LEFT = "left";
    public static final String RIGHT = "right";
    /** The canvas both recipes draw on. */
    public static final int CANVAS = 36;
    static final int ITEM = 28;
    /** Largest shift (px, per axis) of an item from the centre in {@link Recipe#PARETO_MTL}. */
    public static final int MAX_SHIFT = 4;
    /** Row and column of the right item's corner in {@link Recipe#SENER_KOLTUN} (the left item's is 0, 0). */
    static final int SENER_KOLTUN_OFFSET = 6;

    /** A published recipe: the output side and the published split sizes. */
    public enum Recipe {
        PARETO_MTL(36, 120_000, 20_000),
        SENER_KOLTUN(28, 60_000, 10_000);

        private final int side;
        private final int trainSize;
        private final int testSize;

        Recipe(int side, int trainSize, int testSize) {
            this.side = side;
            this.trainSize = trainSize;
            this.testSize = testSize;
        }

        /** Side of the images the recipe outputs. */
        public int side() {
            return side;
        }

        /** Number of training images in the published data. */
        public int trainSize() {
            return trainSize;
        }

        /** Number of test images in the published data. */
        public int testSize() {
            return testSize;
        }
    }

    /**
     * One sample: source images {@code left} and {@code right} (rows of the source split) and the canvas row and
     * column of each item's top-left corner.
     */
    public record Placement(int left, int right, int leftRow, int leftCol, int rightRow, int rightCol) {
    }

    /** A training and a test set built from one Fashion-MNIST folder. */
    public record Data(FashionMnist.Data source, Recipe recipe, Dataset train, Dataset test) {
    }

    private MultiFashion() {
    }

    /**
     * Multi-Fashion from the Fashion-MNIST in {@code folder} (or, if null, where {@link FashionMnist#load} finds it),
     * with {@code trainSize} and {@code testSize} images; the test set is built from the test split with a seed
     * derived from {@code seed}.
     */
    public static Data load(Path folder, Recipe recipe, int trainSize, int testSize, long seed) {
        FashionMnist.Data source = FashionMnist.load(folder);
        return new Data(source, recipe, build(source.train(), recipe, trainSize, seed),
                build(source.test(), recipe, testSize, testSeed(seed)));
    }

    /** The seed of the test set of {@link #load}. */
    static long testSeed(long seed) {
        return seed ^ 0x9E3779B97F4A7C15L;
    }

    /** {@code n} samples built from {@code source} by {@code recipe}. */
    public static Dataset build(FashionMnist.Split source, Recipe recipe, int n, long seed) {
        Placement[] p = placements(source.items(), recipe, n, seed);
        Tensor inputs = compose(source.images(), p, recipe);
        float[] left = new float[n];
        float[] right = new float[n];
        float[] labels = source.items().data();
        for (int i = 0; i < n; i++) {
            left[i] = labels[p[i].left()];
            right[i] = labels[p[i].right()];
        }
        return Dataset.of(inputs, Map.of(LEFT, Tensor.wrap(Shape.of(n), left), RIGHT, Tensor.wrap(Shape.of(n), right)));
    }

    /** Which source images each of {@code n} samples combines, and where; {@code labels} [M] are the items' classes. */
    public static Placement[] placements(Tensor labels, Recipe recipe, int n, long seed) {
        int m = labels.size();
        if (n <= 0) {
            throw new IllegalArgumentException("Multi-Fashion size must be positive, got " + n);
        }
        if (m < 2) {
            throw new DataException("Multi-Fashion needs at least 2 source images, got " + m);
        }
        Random rng = new Random(seed);
        Placement[] out = new Placement[n];
        if (recipe == Recipe.SENER_KOLTUN) {
            int o = SENER_KOLTUN_OFFSET;
            for (int i = 0; i < n; i++) {
                out[i] = new Placement(i % m, rng.nextInt(m), 0, 0, o, o);
            }
            return out;
        }
        float[] y = labels.data();
        boolean twoClasses = false;
        for (int i = 1; i < m && !twoClasses; i++) {
            twoClasses = y[i] != y[0];
        }
        if (!twoClasses) {
            throw new DataException("Multi-Fashion (" + recipe + ") pairs items of different classes, but all "
                    + m + " source images have class " + (int) y[0]);
        }
        int centre = (CANVAS - ITEM) / 2;
        int[] perm = null;
        for (int i = 0; i < n; i++) {
            if (i % m == 0) {
                perm = Dataset.permutation(m, rng);
            }
            int left = perm[i % m];
            int right;
            do {
                right = rng.nextInt(m);
            } while (y[right] == y[left]);
            out[i] = new Placement(left, right,
                    centre - rng.nextInt(MAX_SHIFT + 1), centre - rng.nextInt(MAX_SHIFT + 1),
                    centre + rng.nextInt(MAX_SHIFT + 1), centre + rng.nextInt(MAX_SHIFT + 1));
        }
        return out;
    }

    /** The canvases [n, 1, side, side] of {@code placements} over source {@code images} [M, 784] in [0, 1]. */
    public static Tensor compose(Tensor images, Placement[] placements, Recipe recipe) {
        int side = recipe.side();
        float[] src = images.data();
        float[] out = new float[placements.length * side * side];
        float[] canvas = new float[CANVAS * CANVAS];
        for (int i = 0; i < placements.length; i++) {
            Placement p = placements[i];
            Arrays.fill(canvas, 0f);
            paste(canvas, src, p.left() * ITEM * ITEM, p.leftRow(), p.leftCol());
            paste(canvas, src, p.right() * ITEM * ITEM, p.rightRow(), p.rightCol());
            int base = i * side * side;
            if (recipe == Recipe.PARETO_MTL) {
                System.arraycopy(canvas, 0, out, base, canvas.length);
            } else {
                stretch(canvas);
                for (int r = 0; r < side; r++) {
                    int sr = nearest(r, side);
                    for (int c = 0; c < side; c++) {
                        out[base + r * side + c] = canvas[sr * CANVAS + nearest(c, side)];
                    }
                }
            }
        }
        return Tensor.wrap(Shape.of(placements.length, 1, side, side), out);
    }

    /** Pixel-wise maximum of the canvas and a 28×28 item with its top-left corner at (row, col). */
    private static void paste(float[] canvas, float[] src, int from, int row, int col) {
        for (int r = 0; r < ITEM; r++) {
            int c0 = (row + r) * CANVAS + col;
            int s0 = from + r * ITEM;
            for (int c = 0; c < ITEM; c++) {
                canvas[c0 + c] = Math.max(canvas[c0 + c], src[s0 + c]);
            }
        }
    }

    /** scipy's bytescale of a float image whose minimum is 0: max → 255, rounded to bytes (here /255 again). */
    private static void stretch(float[] canvas) {
        float max = 0;
        for (float v : canvas) {
            max = Math.max(max, v);
        }
        if (max == 0) {
            return;
        }
        for (int i = 0; i < canvas.length; i++) {
            canvas[i] = (float) Math.floor(canvas[i] / max * 255f + 0.5f) / 255f;
        }
    }

    /** Source index of output pixel {@code i} when PIL resizes 36 → {@code side} by nearest neighbour. */
    static int nearest(int i, int side) {
        return Math.min(CANVAS - 1, (int) Math.floor((i + 0.5) * CANVAS / side));
    }
}
