package polyhead.samples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import polyhead.data.Dataset;
import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.TaskSpec;
import polyhead.samples.fashion.FashionMnist;
import polyhead.tensor.Tensor;

/**
 * The datasets {@code train} knows, and how it picks one for a spec. JSON specs do not name their data, so the tool
 * takes {@code --dataset NAME}, or infers it from the task names: a spec whose tasks are all named after a dataset's
 * tasks trains on that dataset. This session knows one: {@code fashion}, Fashion-MNIST with tasks {@code item}
 * (10 classes) and {@code group} (5 classes), inputs of 784 pixels in [0, 1] shaped as the spec's input says
 * ({@code [784]}, {@code [28, 28]} or {@code [1, 28, 28]}).
 */
final class FashionData {
    static final String NAME = "fashion";
    static final Map<String, Integer> CLASSES = Map.of("item", 10, "group", 5);

    /** Training and test data for the spec, and where they came from. */
    record Loaded(String description, Path folder, boolean full, Dataset train, Dataset test) {
    }

    private FashionData() {
    }

    /** Checks that the spec can train on Fashion-MNIST, given {@code --dataset} (null if absent). */
    static void check(ExperimentSpec spec, String datasetOption) {
        List<String> tasks = spec.getTasks().stream().map(TaskSpec::getName).toList();
        if (datasetOption != null && !datasetOption.equals(NAME)) {
            throw UserError.usage("unknown dataset '" + datasetOption + "'; known: " + NAME);
        }
        List<String> foreign = new ArrayList<>();
        for (String t : tasks) {
            if (!CLASSES.containsKey(t)) {
                foreign.add(t);
            }
        }
        if (!foreign.isEmpty()) {
            throw UserError.of(datasetOption == null
                    ? "cannot tell which dataset the spec trains on: its tasks are " + tasks
                            + "; known datasets: fashion (tasks item and group); name the tasks after the data's"
                    : "dataset fashion has tasks item and group; the spec's task(s) " + foreign + " have no labels");
        }
        int size = 1;
        for (int d : spec.getInput()) {
            size *= d;
        }
        if (size != 784) {
            throw UserError.of("$.input: Fashion-MNIST images have 784 pixels ([784], [28, 28] or [1, 28, 28]), "
                    + "the spec's input is " + spec.getInput());
        }
    }

    /**
     * Fashion-MNIST from {@code folder}, or Debian's full set when installed, or the shipped subset; with
     * {@code limit} > 0 only the first {@code limit} training and test images (for quick runs).
     */
    static Loaded load(ExperimentSpec spec, Path folder, int limit) {
        FashionMnist.Data d = FashionMnist.load(folder != null ? folder : shippedOutsideTheRepository());
        Set<String> tasks = Set.copyOf(spec.getTasks().stream().map(TaskSpec::getName).toList());
        int[] shape = spec.getInput().stream().mapToInt(Integer::intValue).toArray();
        Dataset train = dataset(d.train(), tasks, shape, limit);
        Dataset test = dataset(d.test(), tasks, shape, limit);
        String what = (d.full() ? "full set" : "subset shipped with the repository")
                + (limit > 0 && limit < d.train().size() ? "; --limit " + limit : "");
        return new Loaded(what, d.folder(), d.full(), train, test);
    }

    /**
     * The shipped subset through the launcher's {@code polyhead.home} (the repository root) when the tool runs from
     * another folder and Debian's set is not installed; null to let {@link FashionMnist#load} choose.
     */
    private static Path shippedOutsideTheRepository() {
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

    private static Dataset dataset(FashionMnist.Split s, Set<String> tasks, int[] shape, int limit) {
        int n = s.size();
        int[] dims = new int[shape.length + 1];
        dims[0] = n;
        System.arraycopy(shape, 0, dims, 1, shape.length);
        Map<String, Tensor> targets = new LinkedHashMap<>();
        if (tasks.contains("item")) {
            targets.put("item", s.items());
        }
        if (tasks.contains("group")) {
            targets.put("group", s.groups());
        }
        Dataset all = Dataset.of(s.images().reshape(dims), targets);
        if (limit <= 0 || limit >= n) {
            return all;
        }
        int[] first = new int[limit];
        for (int i = 0; i < limit; i++) {
            first[i] = i;
        }
        return all.rows(first);
    }
}
