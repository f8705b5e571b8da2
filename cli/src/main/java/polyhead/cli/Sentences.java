package polyhead.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.data.DataException;
import polyhead.data.SequenceDataset;
import polyhead.data.Vocabulary;
import polyhead.datasets.Brown;
import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.ExperimentSpecKt;
import polyhead.dsl.spec.TaskSpec;

/**
 * The tool's sentence data, for sequence specs (a {@code sequenceInput}): the tagged Brown corpus
 * ({@link Brown}: tasks {@value Brown#FINE} and {@value Brown#UNIVERSAL} per word, {@value Brown#GENRE} per sentence).
 * The defaults of its data options are stated here: {@code --data} the corpus folder ({@link Brown#SHIPPED}, or the
 * launcher's {@code polyhead.home}), {@code --data-seed} the document split's seed ({@value #SPLIT_SEED}, as the
 * Brown protocol), {@code --min-count} the vocabulary's minimum count (the spec's {@code sequenceInput.minCount}),
 * {@code --limit} the first N training and N test sentences.
 */
final class Sentences {
    static final String NAME = "brown";
    static final long SPLIT_SEED = 42;

    /** The sentences of a run: the corpus read and split, the training and test parts (after {@code --limit}). */
    record Data(String description, Brown.Data brown, SequenceDataset train, SequenceDataset test) {
        Vocabulary vocabulary() {
            return brown.vocabulary();
        }
    }

    private Sentences() {
    }

    static boolean isSequence(ExperimentSpec spec) {
        return spec.getSequenceInput() != null;
    }

    /**
     * The spec as a run on Brown records it: {@code --min-count} applied, and the tag and genre names of the corpus
     * given to the tasks that name no classes (so that predictions print tags, not indices).
     */
    static ExperimentSpec forRun(ExperimentSpec spec, DataOptions o, Brown.Data brown) {
        Map<String, List<String>> names = new LinkedHashMap<>();
        names.put(Brown.FINE, brown.fineTags());
        names.put(Brown.UNIVERSAL, brown.universalTags());
        names.put(Brown.GENRE, brown.genres());
        return ExperimentSpecKt.withSentenceData(spec, o.minCount() == null ? null : o.minCount().intValue(), names);
    }

    /** The Brown corpus as the options say, for {@code spec}'s tasks; one line naming what does not fit. */
    static Data load(ExperimentSpec spec, DataOptions o) {
        if (o.dataset() != null && !o.dataset().equals(NAME)) {
            throw UserError.of("a sequence spec (sequenceInput) trains on sentences: --dataset " + NAME + ", not "
                    + o.dataset());
        }
        List<String> foreign = new ArrayList<>();
        if (o.rho() != null) {
            foreign.add("--rho");
        }
        if (o.recipe() != null) {
            foreign.add("--recipe");
        }
        if (o.targets() != null || o.testData() != null || o.sampleWeights() != null) {
            foreign.add(o.targets() != null ? "--targets" : o.testData() != null ? "--test-data" : "--sample-weights");
        }
        if (!foreign.isEmpty()) {
            throw UserError.usage("dataset " + NAME + " takes no " + String.join(", ", foreign));
        }
        for (TaskSpec t : spec.getTasks()) {
            if (!List.of(Brown.FINE, Brown.UNIVERSAL, Brown.GENRE).contains(t.getName())) {
                throw UserError.of("task " + t.getName() + " is no task of dataset " + NAME + " (" + Brown.FINE
                        + ", " + Brown.UNIVERSAL + ", " + Brown.GENRE + ")");
            }
        }
        long seed = o.dataSeed() != null ? o.dataSeed() : SPLIT_SEED;
        int minCount = o.minCount() != null ? o.minCount().intValue() : spec.getSequenceInput().getMinCount();
        Brown.Data brown;
        try {
            brown = Brown.load(folder(o), seed, minCount);
        } catch (DataException e) {
            throw UserError.of(e.getMessage());
        }
        SequenceDataset train = first(brown.train(), o.limit());
        SequenceDataset test = first(brown.test(), o.limit());
        String description = String.format("Brown corpus from %s: %,d training and %,d test sentences (%,d and %,d "
                + "tokens), document split seed %d, vocabulary %,d words (min count %d)", brown.corpus().folder(),
                train.size(), test.size(), train.tokenCount(), test.tokenCount(), seed, brown.vocabulary().size(),
                minCount);
        return new Data(description, brown, train, test);
    }

    /** {@code --data}; else the shipped corpus, through the launcher's {@code polyhead.home} outside the repository. */
    private static Path folder(DataOptions o) {
        if (o.data() != null) {
            return Path.of(o.data());
        }
        for (Path p : Brown.SHIPPED) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        String home = System.getProperty("polyhead.home");
        return home == null ? null : Path.of(home).resolve(Brown.SHIPPED[0]);
    }

    private static SequenceDataset first(SequenceDataset d, Long limit) {
        if (limit == null || limit >= d.size()) {
            return d;
        }
        int[] idx = new int[(int) (long) limit];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return d.rows(idx);
    }

    /** The model's vocabulary against the data's: a run's data options must rebuild the run's vocabulary. */
    static void sameVocabulary(Path source, Vocabulary model, Vocabulary data) {
        if (!model.equals(data)) {
            throw UserError.of(source + ": the model reads a vocabulary of " + model.size() + " words (min count "
                    + model.minCount() + "), the data's has " + data.size() + " (min count " + data.minCount()
                    + "); evaluate with the run's --data-seed and --min-count");
        }
    }
}
