/**
 * Builders for a whole multi-task experiment from Java: {@link polyhead.experiment.ExperimentBuilder} collects immutable
 * plans — {@link polyhead.experiment.Layers layers} for the trunk and heads (shapes inferred from the input), a
 * {@link polyhead.experiment.TaskPlan} per task, an {@link polyhead.experiment.ArchitecturePlan}, a
 * {@link polyhead.experiment.WeightingPlan}, an {@link polyhead.experiment.OptimizerPlan} and a
 * {@link polyhead.experiment.TrainingPlan} — checks them together and builds an {@link polyhead.experiment.Experiment} of
 * plain core objects. The Kotlin DSL's compiler builds through these plans too, so there is one construction path
 * and one parameter draw order. {@link polyhead.experiment.ModelChecks} states the rules a model must follow (shape
 * inference, losses and metrics against labels, what an architecture needs of the trunk) once: the builder applies
 * them to Java plans, the DSL's compiler to a spec, each wording a fault in its own terms
 * ({@link polyhead.experiment.Naming}).
 *
 * <p>{@link polyhead.experiment.Experiment#fit} is the one training path: it honours every field of the training plan
 * and returns a {@link polyhead.experiment.TrainedModel} (evaluate, predict as {@link
 * polyhead.experiment.TaskPrediction}s, save, load). Every checkpoint of an experiment records its
 * {@link polyhead.experiment.ModelDescription}, from which the model is rebuilt without the code that built it.
 *
 * <p>Sequence models: a sequence input ({@link polyhead.experiment.ExperimentBuilder#sequenceInput}) of token ids,
 * per-sample shapes with a varying time axis ({@link polyhead.experiment.Layers#TIME}), the sequence layer plans of
 * {@link polyhead.experiment.Layers}, per-token tasks ({@code LabelType.TOKEN_CLASS}) and per-sentence tasks on one
 * encoder, trained and evaluated on a {@code SequenceDataset}; the batch's lengths reach the sequence layers through
 * {@code polyhead.nn.SequenceLengths}.
 *
 * <p>A package of its own because an experiment spans {@code nn}, {@code mtl}, {@code optim} and {@code train}:
 * builders on {@code polyhead.mtl} would make it depend on the optimizers and the trainer. Nothing else in the core
 * depends on this package.
 */
package polyhead.experiment;
