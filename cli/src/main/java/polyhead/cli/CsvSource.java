package polyhead.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.data.Csv;
import polyhead.data.Dataset;
import polyhead.data.LabelType;
import polyhead.datasets.Subsets;
import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.Labels;
import polyhead.dsl.spec.TaskSpec;
import polyhead.io.UserText;

/**
 * {@code --dataset csv}: a CSV file with a header, one task per target column (named after the column), every other
 * column a feature (but the {@code --sample-weights} column). A target is {@code class} (integers 0..C−1),
 * {@code labels} (strings, classes in sorted order), {@code real} or {@code binary} (0/1); {@code --targets} says
 * which, else each spec task's labels do (classIndex: class, realVector: real, binary: binary; a derived task has no
 * column). An empty target cell is a missing label. The test rows come from {@code --test-data}, read with the
 * training file's classes, or are a seeded fraction of the file ({@link DataSources#CSV_TEST_FRACTION}). A column
 * named in {@code --targets} is a task name, and the {@code --sample-weights} column a label, by {@link UserText}'s
 * rules.
 */
final class CsvSource {
    private CsvSource() {
    }

    static DataSources.RunData load(ExperimentSpec spec, DataOptions o, int limit, long seed) {
        if (o.data() == null) {
            throw UserError.usage("dataset csv needs --data FILE");
        }
        Path file = Path.of(o.data());
        Csv.Table train = Csv.read(file, csvSpec(spec, o, null));
        train.labelTypes().forEach((task, type) -> {
            if (type == LabelType.CLASS_INDEX && train.classes(task).isEmpty()) {
                throw UserError.of(file + ": column '" + task + "' has no label in any row; a class task needs at "
                        + "least one labelled row");
            }
        });
        Dataset trainSet;
        Dataset testSet;
        String testFrom;
        if (o.testData() != null) {
            Csv.Table test = Csv.read(Path.of(o.testData()), csvSpec(spec, o, train));
            if (!test.features().equals(train.features())) {
                throw UserError.of(o.testData() + ": feature columns " + test.features() + " differ from "
                        + file + "'s " + train.features());
            }
            trainSet = train.dataset();
            testSet = test.dataset();
            testFrom = o.testData();
        } else {
            int rows = train.dataset().size();
            if (rows < Dataset.minRowsToSplit(DataSources.CSV_TEST_FRACTION)) {
                throw UserError.of(file + ": the test split, " + DataSources.CSV_TEST_FRACTION + " " + Dataset.tooFewRows(
                        DataSources.CSV_TEST_FRACTION, rows, "test") + " or give test rows with --test-data FILE");
            }
            Dataset.Split s = train.dataset().split(DataSources.CSV_TEST_FRACTION, seed);
            trainSet = s.train();
            testSet = s.validation();
            testFrom = String.format("%.0f%% of its rows (data seed %d)", 100 * DataSources.CSV_TEST_FRACTION, seed);
        }
        trainSet = Subsets.first(trainSet, limit);
        testSet = Subsets.first(testSet, limit);
        Map<String, DataSources.TaskLabels> tasks = new LinkedHashMap<>();
        train.labelTypes().forEach((task, type) -> tasks.put(task, new DataSources.TaskLabels(type,
                type == LabelType.CLASS_INDEX ? train.classes(task).size() : 0)));

        return new DataSources.RunData("csv", String.format("CSV %s (%d features; test: %s): %,d training and %,d "
                + "test rows", file, train.features().size(), testFrom, trainSet.size(), testSet.size()),
                trainSet, testSet, tasks);
    }

    /** What to read: the targets of {@code --targets} or of the spec; with {@code classesOf}, its classes. */
    private static Csv.Spec csvSpec(ExperimentSpec spec, DataOptions o, Csv.Table classesOf) {
        Map<String, String> kinds = new LinkedHashMap<>();
        if (o.targets() != null) {
            for (String t : o.targets()) {
                String[] parts = t.trim().split(":", 2);
                String fault = UserText.nameFault(parts[0]);
                if (fault != null) {
                    throw UserError.usage("option --targets: column " + UserText.quote(parts[0]) + " (a task name): "
                            + fault);
                }
                String kind = parts.length == 2 ? parts[1] : kindOf(spec, parts[0]);
                if (!List.of("class", "labels", "real", "binary").contains(kind)) {
                    throw UserError.usage("option --targets: " + UserText.quote(t)
                            + ": the kind must be class, labels, real or binary");
                }
                kinds.put(parts[0], kind);
            }
        } else {
            spec.getTasks().stream().filter(t -> t.getDerivedFrom() == null)
                    .forEach(t -> kinds.put(t.getName(), kindOf(spec, t.getName())));
        }
        Csv.Spec s = Csv.spec();
        if (o.sampleWeights() != null) {
            String fault = UserText.labelFault(o.sampleWeights());
            if (fault != null) {
                throw UserError.usage("option --sample-weights: column " + UserText.quote(o.sampleWeights()) + ": "
                        + fault);
            }
            s = s.sampleWeights(o.sampleWeights());
        }
        for (Map.Entry<String, String> e : kinds.entrySet()) {
            String column = e.getKey();
            s = switch (e.getValue()) {
                case "class" -> classesOf == null ? s.classIndex(column)
                        : s.classIndex(column, classesOf.classes(column).size());
                case "labels" -> classesOf == null ? s.classLabels(column)
                        : s.classLabels(column, classesOf.classes(column).toArray(String[]::new));
                case "binary" -> s.binary(column);
                default -> s.real(column);
            };
        }
        return s;
    }

    /** The CSV kind of the spec task named {@code name}: class for classIndex, real for realVector. */
    private static String kindOf(ExperimentSpec spec, String name) {
        for (TaskSpec t : spec.getTasks()) {
            if (t.getName().equals(name)) {
                if (t.getLabels() == Labels.CLASS_INDEX) {
                    return "class";
                }
                if (t.getLabels() == Labels.REAL_VECTOR) {
                    return "real";
                }
                if (t.getLabels() == Labels.BINARY) {
                    return "binary";
                }
                throw UserError.of("task " + name + ": a CSV column holds class, real or binary labels, not "
                        + t.getLabels().name().toLowerCase() + " ones");
            }
        }
        throw UserError.usage("option --targets: column " + UserText.quote(name) + " is no task of the spec; give its "
                + "kind as " + name + ":class, :labels, :real or :binary");
    }
}
