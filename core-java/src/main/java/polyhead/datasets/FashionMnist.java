package polyhead.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.data.DataException;
import polyhead.data.Dataset;
import polyhead.io.Idx;
import polyhead.tensor.Tensor;

/**
 * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf, 2017) as two tasks: the item type (10 classes) and its coarse group
 * (5 classes: tops, trousers, dresses, footwear, bags). Reads the full set installed by Debian's
 * {@code dataset-fashion-mnist} when present, otherwise the 10,000/2,000-image subset shipped in
 * {@code samples/data/fashion-mnist}.
 */
public final class FashionMnist {
    /** Where Debian's dataset-fashion-mnist package puts the IDX files. */
    public static final Path DEBIAN = Path.of("/usr/share/datasets/fashion-mnist");
    /** The subset shipped with the repository, relative to the repository root or to {@code samples/}. */
    public static final Path[] SHIPPED = {Path.of("samples/data/fashion-mnist"), Path.of("data/fashion-mnist")};

    /** Coarse group of each item class: T-shirt, pullover, coat, shirt → tops (0); trouser (1); dress (2);
     *  sandal, sneaker, ankle boot → footwear (3); bag (4). */
    public static final int[] GROUP_OF_ITEM = {0, 1, 0, 2, 0, 3, 0, 3, 4, 3};
    /** The names of the coarse groups of {@link #GROUP_OF_ITEM}, by group index. */
    public static final String[] GROUP_NAMES = {"tops", "trouser", "dress", "footwear", "bag"};
    public static final String[] ITEM_NAMES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot"};

    /** Images [n, 784] scaled to [0, 1], item labels [n] and group labels [n]. */
    public record Split(Tensor images, Tensor items, Tensor groups) {
        public int size() {
            return items.size();
        }

        /** The split as a two-task dataset: inputs [N, 784], tasks item and group. */
        public Dataset dataset() {
            Map<String, Tensor> targets = new LinkedHashMap<>();
            targets.put("item", items);
            targets.put("group", groups);
            return Dataset.of(images, targets);
        }
    }

    /**
     * The data read and where from.
     *
     * @param full whether it is the whole published set: 60,000 training and 10,000 test images
     */
    public record Data(Path folder, boolean full, Split train, Split test) {
        /**
         * What was read, for the user: "full set" (60,000 + 10,000 images, from any folder), "subset shipped with the
         * repository" (its 10,000 + 2,000 images, from {@code samples/data/fashion-mnist}), else "a folder with N
         * images" (training and test together).
         */
        public String label() {
            if (full) {
                return "full set";
            }
            if (train.size() == SHIPPED_TRAIN && test.size() == SHIPPED_TEST
                    && folder.toAbsolutePath().normalize().endsWith(SHIPPED[0])) {
                return "subset shipped with the repository";
            }
            return String.format("a folder with %,d images", train.size() + test.size());
        }
    }

    /** The sizes of the whole set and of the shipped subset, which {@link Data#label} tells apart by them. */
    private static final int FULL_TRAIN = 60_000;
    private static final int FULL_TEST = 10_000;
    private static final int SHIPPED_TRAIN = 10_000;
    private static final int SHIPPED_TEST = 2_000;

    private FashionMnist() {
    }

    /**
     * The data in {@code folder}, or, if null, the Debian set when installed and the shipped subset otherwise.
     *
     * @throws DataException one line naming the file: unreadable, images and labels that do not match, a label
     *                       outside 0-9, or no image at all
     */
    public static Data load(Path folder) {
        Path dir = folder != null ? folder : locate();
        Split train = split(dir, "train");
        Split test = split(dir, "t10k");
        return new Data(dir, train.size() == FULL_TRAIN && test.size() == FULL_TEST, train, test);
    }

    private static Path locate() {
        if (Files.isRegularFile(DEBIAN.resolve("train-images-idx3-ubyte.gz"))) {
            return DEBIAN;
        }
        for (Path p : SHIPPED) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new DataException("Fashion-MNIST not found: install Debian's dataset-fashion-mnist, run from the "
                + "repository root (which ships samples/data/fashion-mnist), or pass --data DIR");
    }

    private static Split split(Path dir, String prefix) {
        Tensor images = Idx.read(dir.resolve(prefix + "-images-idx3-ubyte.gz"));
        Tensor labels = Idx.read(dir.resolve(prefix + "-labels-idx1-ubyte.gz"));
        int n = labels.size();
        if (images.rank() != 3 || images.shape().dim(0) != n) {
            throw new DataException(dir.resolve(prefix + "-images-idx3-ubyte.gz") + ": images " + images.shape()
                    + " do not match " + n + " labels");
        }
        if (n == 0) {
            throw new DataException(dir.resolve(prefix + "-images-idx3-ubyte.gz") + ": 0 images; Fashion-MNIST needs at "
                    + "least one " + (prefix.equals("train") ? "training" : "test") + " image");
        }
        float[] px = images.data();
        for (int i = 0; i < px.length; i++) {
            px[i] /= 255f;
        }
        float[] groups = new float[n];
        float[] items = labels.data();
        for (int i = 0; i < n; i++) {
            int item = (int) items[i];
            if (item < 0 || item > 9) {
                throw new DataException(dir.resolve(prefix + "-labels-idx1-ubyte.gz") + ": label " + item
                        + " at row " + i + " is outside 0-9");
            }
            groups[i] = GROUP_OF_ITEM[item];
        }
        int features = images.shape().dim(1) * images.shape().dim(2);
        return new Split(images.reshape(n, features), labels, Tensor.wrap(labels.shape(), groups));
    }
}
