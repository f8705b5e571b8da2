package polyhead.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import polyhead.data.Csv;
import polyhead.data.Dataset;
import polyhead.data.LabelType;
import polyhead.datasets.FashionMnist;
import polyhead.datasets.MmoeSynthetic;
import polyhead.datasets.MultiFashion;
import polyhead.datasets.Shapes;
import polyhead.datasets.Subsets;
import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.Labels;
import polyhead.dsl.spec.TaskSpec;

/**
 * The datasets the tool trains and evaluates on, loaded from {@link DataOptions}. JSON specs do not name their data:
 * {@code --dataset} does, or the spec's task names tell (see {@link #KNOWN}). The defaults of the data options are
 * stated here:
 * <ul>
 *   <li>{@code fashion}: Fashion-MNIST, tasks item (10 classes) and group (5); Debian's full set when installed,
 *       else the subset shipped in {@code samples/data/fashion-mnist}, or the IDX files in {@code --data}.</li>
 *   <li>{@code multi-fashion}: {@link MultiFashion} built from that Fashion-MNIST, tasks left and right (10 classes
 *       each), {@value #MULTI_FASHION_TRAIN} training and {@value #MULTI_FASHION_TEST} test images, recipe
 *       pareto-mtl.</li>
 *   <li>{@code mmoe}: {@link MmoeSynthetic} with ρ = {@value #RHO}, tasks y1 and y2 (real), input [100],
 *       {@value #MMOE_TRAIN} training and {@value #MMOE_TEST} test samples.</li>
 *   <li>{@code shapes}: {@link Shapes} 32×32, tasks shape (4 classes) and mask (5 classes per pixel),
 *       {@value #SHAPES_TRAIN} training and {@value #SHAPES_TEST} test images.</li>
 *   <li>{@code csv}: {@link Csv} from {@code --data FILE}; test rows from {@code --test-data}, else
 *       {@value #CSV_TEST_FRACTION} of the rows drawn with the data seed; empty target cells are missing labels.</li>
 * </ul>
 * Generated data and the CSV test split use the data seed ({@value #DATA_SEED} unless {@code --data-seed}), not the
 * training seed, so runs with different seeds see the same data.
 */
final class DataSources {
    static final int MULTI_FASHION_TRAIN = 10_000;
    static final int MULTI_FASHION_TEST = 2_000;
    static final double RHO = 0.5;
    static final int MMOE_TRAIN = 8_000;
    static final int MMOE_TEST = 2_000;
    static final int SHAPES_TRAIN = 2_000;
    static final int SHAPES_TEST = 500;
    static final double CSV_TEST_FRACTION = 0.2;
    static final long DATA_SEED = 0;

    /** Each built-in dataset's tasks: what its labels are and how many classes (0 for real values). */
    static final Map<String, Map<String, TaskLabels>> KNOWN = Map.of(
            "fashion", Map.of("item", TaskLabels.classes(10), "group", TaskLabels.classes(5)),
            "multi-fashion", Map.of(MultiFashion.LEFT, TaskLabels.classes(10),
                    MultiFashion.RIGHT, TaskLabels.classes(10)),
            "mmoe", Map.of(MmoeSynthetic.Y1, TaskLabels.REAL, MmoeSynthetic.Y2, TaskLabels.REAL),
            "shapes", Map.of(Shapes.SHAPE, TaskLabels.classes(Shapes.CLASSES),
                    Shapes.MASK, new TaskLabels(LabelType.PIXEL_CLASS_MAP, Shapes.MASK_CLASSES)));
    static final List<String> NAMES = List.of("fashion", "multi-fashion", "mmoe", "shapes", "csv");

    /** What a task's labels are: a label type and, for class labels, the number of classes (else 0). */
    record TaskLabels(LabelType type, int classes) {
        static final TaskLabels REAL = new TaskLabels(LabelType.REAL_VECTOR, 0);

        static TaskLabels classes(int n) {
            return new TaskLabels(LabelType.CLASS_INDEX, n);
        }
    }

    /** A dataset ready for a spec: its name, which data ran (for the user and metrics.json), the splits, its tasks. */
    record RunData(String name, String description, Dataset train, Dataset test, Map<String, TaskLabels> tasks) {
    }

    private DataSources() {
    }

    /** The dataset's name: {@code --dataset}, or the one whose tasks include all of the spec's. */
    static String name(ExperimentSpec spec, DataOptions o) {
        if (Sentences.NAME.equals(o.dataset())) {
            throw UserError.of("dataset " + Sentences.NAME + " is sentences of words; it trains a spec with a "
                    + "sequenceInput (e.g. samples/specs/brown.json)");
        }
        if (o.dataset() != null) {
            if (!NAMES.contains(o.dataset())) {
                throw UserError.usage("unknown dataset '" + o.dataset() + "'; known: " + String.join(", ", NAMES));
            }
            return o.dataset();
        }
        if (o.data() != null && o.data().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            return "csv";
        }
        // derived tasks take their labels from others, so the tasks of the data are the others
        List<String> tasks = spec.getTasks().stream().filter(t -> t.getDerivedFrom() == null).map(TaskSpec::getName).toList();
        for (String name : NAMES) {
            if (KNOWN.containsKey(name) && KNOWN.get(name).keySet().containsAll(tasks)) {
                return name;
            }
        }
        throw UserError.of("cannot tell which dataset the spec trains on: its tasks are " + tasks
                + "; give --dataset (fashion: item, group; multi-fashion: left, right; mmoe: y1, y2; "
                + "shapes: shape, mask; csv: named by --targets)");
    }

    /** The training and test data the options name, for the spec's tasks (checked by {@link DataCheck}). */
    static RunData load(ExperimentSpec spec, DataOptions o) {
        String name = name(spec, o);
        int limit = o.limit() == null ? 0 : (int) Math.min(o.limit(), Integer.MAX_VALUE);
        long seed = o.dataSeed() != null ? o.dataSeed() : DATA_SEED;
        refuseForeign(name, o);
        return switch (name) {
            case "fashion" -> fashion(o, limit);
            case "multi-fashion" -> multiFashion(o, limit, seed);
            case "mmoe" -> mmoe(o, limit, seed);
            case "shapes" -> {
                int n = cap(SHAPES_TRAIN, limit);
                int m = cap(SHAPES_TEST, limit);
                yield new RunData(name, String.format("shapes 32x32, %,d training and %,d test images, data seed %d",
                        n, m, seed), Shapes.generate(n, seed), Shapes.generate(m, seed + 1), KNOWN.get(name));
            }
            case "csv" -> CsvSource.load(spec, o, limit, seed);
            default -> throw new IllegalStateException(name);
        };
    }

    /** An option that the dataset does not read is a usage error rather than silently ignored. */
    private static void refuseForeign(String name, DataOptions o) {
        List<String> foreign = new ArrayList<>();
        if (o.rho() != null && !name.equals("mmoe")) {
            foreign.add("--rho");
        }
        if (o.recipe() != null && !name.equals("multi-fashion")) {
            foreign.add("--recipe");
        }
        if ((o.targets() != null || o.testData() != null || o.sampleWeights() != null) && !name.equals("csv")) {
            foreign.add(o.targets() != null ? "--targets" : o.testData() != null ? "--test-data" : "--sample-weights");
        }
        if (o.minCount() != null) {
            foreign.add("--min-count");
        }
        if (o.data() != null && Set.of("mmoe", "shapes").contains(name)) {
            foreign.add("--data");
        }
        if (!foreign.isEmpty()) {
            throw UserError.usage("dataset " + name + " takes no " + String.join(", ", foreign));
        }
    }

    private static int cap(int n, int limit) {
        return limit > 0 ? Math.min(n, limit) : n;
    }

    private static RunData fashion(DataOptions o, int limit) {
        FashionMnist.Data d = FashionMnist.load(fashionFolder(o));
        Dataset train = Subsets.first(d.train().dataset(), limit);
        Dataset test = Subsets.first(d.test().dataset(), limit);
        return new RunData("fashion", String.format("Fashion-MNIST from %s (%s): %,d training and %,d test images",
                d.folder(), d.label(), train.size(), test.size()),
                train, test, KNOWN.get("fashion"));
    }

    private static RunData multiFashion(DataOptions o, int limit, long seed) {
        MultiFashion.Recipe recipe;
        String r = o.recipe() == null ? "pareto-mtl" : o.recipe();
        switch (r) {
            case "pareto-mtl" -> recipe = MultiFashion.Recipe.PARETO_MTL;
            case "sener-koltun" -> recipe = MultiFashion.Recipe.SENER_KOLTUN;
            default -> throw UserError.usage("option --recipe: unknown recipe '" + r
                    + "'; choose from pareto-mtl, sener-koltun");
        }
        MultiFashion.Data d = MultiFashion.load(fashionFolder(o), recipe, cap(MULTI_FASHION_TRAIN, limit),
                cap(MULTI_FASHION_TEST, limit), seed);
        return new RunData("multi-fashion", String.format(
                "Multi-Fashion (%s, %dx%d) from Fashion-MNIST in %s (%s): %,d training and %,d test images, data seed %d",
                r, recipe.side(), recipe.side(), d.source().folder(), d.source().label(),
                d.train().size(), d.test().size(), seed), d.train(), d.test(), KNOWN.get("multi-fashion"));
    }

    private static RunData mmoe(DataOptions o, int limit, long seed) {
        double rho = o.rho() != null ? o.rho() : RHO;
        MmoeSynthetic.Generator g = MmoeSynthetic.generator(rho, seed);
        int n = cap(MMOE_TRAIN, limit);
        int m = cap(MMOE_TEST, limit);
        return new RunData("mmoe", String.format("MMoE synthetic (rho %s): %,d training and %,d test samples, data "
                + "seed %d", rho, n, m, seed), g.sample(n, seed + 1), g.sample(m, seed + 2), KNOWN.get("mmoe"));
    }

    /**
     * {@code --data}; else the shipped subset through the launcher's {@code polyhead.home} (the repository root) when
     * the tool runs from another folder and Debian's set is not installed; else null to let {@link FashionMnist#load}
     * choose.
     */
    private static Path fashionFolder(DataOptions o) {
        if (o.data() != null) {
            return Path.of(o.data());
        }
        String home = System.getProperty("polyhead.home");
        if (home == null || Files.isRegularFile(FashionMnist.DEBIAN.resolve("train-images-idx3-ubyte.gz"))) {
            return null;
        }
        for (Path p : FashionMnist.SHIPPED) {
            if (Files.isDirectory(p)) {
                return null;
            }
        }
        Path shipped = Path.of(home).resolve(FashionMnist.SHIPPED[0]);
        return Files.isDirectory(shipped) ? shipped : null;
    }

    /** The core's label type of a spec's labels. */
    static LabelType labelType(Labels l) {
        return switch (l) {
            case CLASS_INDEX -> LabelType.CLASS_INDEX;
            case BINARY -> LabelType.BINARY;
            case REAL_VECTOR -> LabelType.REAL_VECTOR;
            case PIXEL_CLASS_MAP -> LabelType.PIXEL_CLASS_MAP;
            case TOKEN_CLASS -> LabelType.TOKEN_CLASS;
        };
    }
}
