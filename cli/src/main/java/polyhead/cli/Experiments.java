package polyhead.cli;

import java.io.PrintStream;
import java.nio.file.Path;

import polyhead.checkpoint.Checkpoint;
import polyhead.checkpoint.CheckpointException;
import polyhead.checkpoint.Checkpoints;
import polyhead.data.Vocabulary;
import polyhead.dsl.compile.CompiledExperiment;
import polyhead.dsl.compile.SpecCompiler;
import polyhead.dsl.spec.ExperimentSpec;
import polyhead.dsl.spec.InitialWeightsSpecKt;
import polyhead.dsl.spec.InvalidSpecException;
import polyhead.experiment.ModelDescription;
import polyhead.train.Trainer;

/**
 * Experiments built from a spec file, or from a checkpoint (the spec it records — or, for a checkpoint of the Java
 * builder, its model description read as a spec — then its weights).
 */
final class Experiments {
    private Experiments() {
    }

    /** The spec compiled; its faults, if any, as a user error naming {@code file}. */
    static CompiledExperiment compile(Path file, ExperimentSpec spec) {
        return compile(file, spec, null);
    }

    /** A spec compiled with the vocabulary of its data (a sequence spec; null for others). */
    static CompiledExperiment compile(Path file, ExperimentSpec spec, Vocabulary vocabulary) {
        try {
            return SpecCompiler.INSTANCE.compile(spec, vocabulary);
        } catch (InvalidSpecException e) {
            throw SpecFiles.faults(file, e.getErrors());
        }
    }

    /** The vocabulary a sequence model's checkpoint records; a description that does not read is one line. */
    private static Vocabulary vocabulary(Checkpoint c, Path source) {
        try {
            return ModelDescription.fromJson(c.description(), source.toString()).vocabulary();
        } catch (IllegalArgumentException e) {
            throw UserError.of(e.getMessage());
        }
    }

    /** A trained model: the experiment of a checkpoint's recorded spec, with the checkpoint's weights. */
    record Trained(Path checkpoint, ExperimentSpec spec, CompiledExperiment experiment, long epoch) {
        /** A trainer over the model, for {@link Trainer#evaluate} and {@link Trainer#predict}; it never trains. */
        Trainer trainer() {
            return Trainer.builder(experiment.getArchitecture()).weighting(experiment.getWeighting())
                    .optimizer(experiment.optimizer(1)).build();
        }

        /** The run folder the checkpoint belongs to ({@code RUN/checkpoints/CHECKPOINT}), or null. */
        Path runFolder() {
            Path parent = checkpoint.toAbsolutePath().getParent();
            return parent != null && parent.getFileName().toString().equals(RunFolder.CHECKPOINTS)
                    ? parent.getParent() : null;
        }
    }

    /**
     * The model of the checkpoint {@code path} names (a checkpoint folder or a run folder, see {@link RunFolder}); a
     * damaged checkpoint of a run folder that is skipped is named on {@code err}.
     */
    static Trained load(Path path, PrintStream err) {
        Path dir = RunFolder.checkpoint(path, err);
        try {
            Checkpoint c = Checkpoints.read(dir);
            if (c.spec() == null && c.description() == null) {
                throw UserError.of(dir + ": the checkpoint records neither a spec nor a model description; the tool "
                        + "cannot rebuild its model");
            }
            Path source = dir.resolve(Checkpoints.METADATA);
            // a checkpoint of the Java builder records no spec: its model description reads as one
            ExperimentSpec spec = SpecFiles.loadRecorded(source, c.spec() != null ? c.spec()
                    : SpecCompiler.INSTANCE.specText(c.description()));
            // the checkpoint's weights replace any initial weights: their file is not needed (nor read)
            // a sequence model's checkpoint records the vocabulary it reads words with, in its model description
            Vocabulary vocabulary = spec.getSequenceInput() == null || c.description() == null ? null
                    : vocabulary(c, source);
            CompiledExperiment exp = compile(source, InitialWeightsSpecKt.withInitialWeights(spec, null), vocabulary);
            Checkpoints.restore(c, dir.toString(), exp.getArchitecture(), null, null);
            return new Trained(dir, spec, exp, c.epoch());
        } catch (CheckpointException e) {
            throw UserError.of(e.getMessage());
        }
    }
}
