package polyhead.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The data options shared by {@code train} and {@code evaluate}, as given (null where absent): which dataset, where
 * its files are, how much of it and the dataset-specific settings. {@link DataSources} reads them; the defaults are
 * stated there, once. A run folder records them ({@code data.json}), so that {@code evaluate} and
 * {@code train --resume} use the run's data unless told otherwise.
 */
record DataOptions(String dataset, String data, String testData, Long limit, Double rho, String recipe,
        List<String> targets, Long dataSeed, String sampleWeights, Long minCount) {

    /**
     * The data options as picocli reads them from a command line ({@code train} and {@code evaluate}); null when
     * none was given.
     */
    static final class Given {
        @Option(names = "--dataset", paramLabel = "NAME", order = 10, description = {
                "fashion, multi-fashion, mmoe, shapes, csv or brown; inferred from the task names (brown: from a",
                "sequence spec) when absent"})
        String dataset;

        @Option(names = "--data", paramLabel = "PATH", order = 11, description = {
                "fashion, multi-fashion: folder of Fashion-MNIST's IDX files (default: Debian's full",
                "set when installed, else the subset shipped in samples/data/fashion-mnist);",
                "csv: the CSV file (required); brown: the corpus folder (default samples/data/brown)"})
        String data;

        @Option(names = "--test-data", paramLabel = "FILE", order = 12, description =
                "csv: the test CSV (default: 20%% of --data's rows, drawn with --data-seed)")
        String testData;

        @Option(names = "--limit", paramLabel = "N", order = 13, description =
                "at most N training and N test samples (brown: sentences; quick runs)")
        Long limit;

        @Option(names = "--rho", paramLabel = "X", order = 14, converter = Correlation.class, description =
                "mmoe: the tasks' correlation in [-1, 1] (default 0.5)")
        Double rho;

        @Option(names = "--recipe", paramLabel = "NAME", order = 15, description =
                "multi-fashion: pareto-mtl or sener-koltun (default pareto-mtl)")
        String recipe;

        @Option(names = "--targets", paramLabel = "LIST", order = 16, description = {
                "csv: the target columns as COLUMN[:class|labels|real|binary],... (default: one per task",
                "of the spec that is not derived, named after it; class for classIndex tasks, real for",
                "realVector ones, binary (0/1) for binary ones)"})
        String targets;

        @Option(names = "--sample-weights", paramLabel = "COLUMN", order = 18, description =
                "csv: a column of per-sample weights (finite, >= 0) scaling every task's loss")
        String sampleWeights;

        @Option(names = "--data-seed", paramLabel = "N", order = 17, description =
                "seed of generated data and of the csv test split (default 0); brown: of its document split (default 42)")
        Long dataSeed;

        @Option(names = "--min-count", paramLabel = "N", order = 19, description =
                "brown: a word's count in the training split to be in the vocabulary (default: the spec's)")
        Long minCount;
    }

    /** {@code --rho}: a correlation, in [-1, 1]. */
    static final class Correlation implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return Polyhead.decimal(value, -1, 1);
        }
    }

    /** The options given ({@code given} null: none), checked. */
    static DataOptions of(Given given) {
        Given g = given == null ? new Given() : given;
        return new DataOptions(g.dataset, g.data, g.testData, UserError.atLeast("--limit", g.limit, 1), g.rho,
                g.recipe, g.targets == null ? null : List.of(g.targets.split(",")), g.dataSeed, g.sampleWeights,
                UserError.atLeast("--min-count", g.minCount, 1));
    }

    /** These options, where absent, filled in from {@code recorded} (a run's). */
    DataOptions or(DataOptions recorded) {
        return new DataOptions(first(dataset, recorded.dataset), first(data, recorded.data),
                first(testData, recorded.testData), first(limit, recorded.limit), first(rho, recorded.rho),
                first(recipe, recorded.recipe), first(targets, recorded.targets), first(dataSeed, recorded.dataSeed),
                first(sampleWeights, recorded.sampleWeights), first(minCount, recorded.minCount));
    }

    private static <T> T first(T a, T b) {
        return a != null ? a : b;
    }

    /** As JSON for {@code data.json}: absent options are left out; paths are made absolute. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "dataset", dataset);
        put(m, "data", data == null ? null : Path.of(data).toAbsolutePath().normalize().toString());
        put(m, "testData", testData == null ? null : Path.of(testData).toAbsolutePath().normalize().toString());
        put(m, "limit", limit);
        put(m, "rho", rho);
        put(m, "recipe", recipe);
        put(m, "targets", targets);
        put(m, "dataSeed", dataSeed);
        put(m, "sampleWeights", sampleWeights);
        put(m, "minCount", minCount);
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    /** The options recorded by {@link #toJson}. */
    @SuppressWarnings("unchecked")
    static DataOptions fromJson(Map<String, Object> m) {
        return new DataOptions((String) m.get("dataset"), (String) m.get("data"), (String) m.get("testData"),
                m.get("limit") == null ? null : ((Number) m.get("limit")).longValue(),
                m.get("rho") == null ? null : ((Number) m.get("rho")).doubleValue(), (String) m.get("recipe"),
                (List<String>) m.get("targets"),
                m.get("dataSeed") == null ? null : ((Number) m.get("dataSeed")).longValue(), (String) m.get("sampleWeights"),
                m.get("minCount") == null ? null : ((Number) m.get("minCount")).longValue());
    }
}
