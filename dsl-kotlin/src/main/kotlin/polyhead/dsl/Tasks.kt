package polyhead.dsl

import polyhead.dsl.spec.LossSpec
import polyhead.dsl.spec.MetricSpec
import polyhead.dsl.spec.Reduction

// Loss and metric verbs, available inside `task { }`.

/** Cross-entropy; [classWeights], one per class, weigh each class as PyTorch's `weight` does. */
fun TaskBuilder.crossEntropy(
    labelSmoothing: Double = LossSpec.CrossEntropy().labelSmoothing,
    reduction: Reduction = LossSpec.CrossEntropy().reduction,
    classWeights: List<Double>? = LossSpec.CrossEntropy().classWeights,
): LossSpec = LossSpec.CrossEntropy(labelSmoothing, reduction, classWeights)

/** BCE on logits; [posWeight], one per label or one for all, weighs the positive class as PyTorch's `pos_weight`. */
fun TaskBuilder.bceWithLogits(
    reduction: Reduction = LossSpec.BceWithLogits().reduction,
    posWeight: List<Double>? = LossSpec.BceWithLogits().posWeight,
): LossSpec = LossSpec.BceWithLogits(reduction, posWeight)

fun TaskBuilder.mse(reduction: Reduction = LossSpec.Mse().reduction): LossSpec = LossSpec.Mse(reduction)

fun TaskBuilder.mae(reduction: Reduction = LossSpec.Mae().reduction): LossSpec = LossSpec.Mae(reduction)

fun TaskBuilder.huber(
    delta: Double = LossSpec.Huber().delta,
    reduction: Reduction = LossSpec.Huber().reduction,
): LossSpec = LossSpec.Huber(delta, reduction)

/** How precision, recall and F1 combine classes: the mean of per-class scores, or the score of summed counts. */
enum class Average { MACRO, MICRO }

fun TaskBuilder.accuracy() = MetricSpec("accuracy")

/** The fraction of samples whose class is among the [k] highest logits. */
fun TaskBuilder.topKAccuracy(k: Int) = MetricSpec("top${k}_accuracy")

fun TaskBuilder.precision(average: Average = Average.MACRO) = MetricSpec("precision_${average.name.lowercase()}")

fun TaskBuilder.recall(average: Average = Average.MACRO) = MetricSpec("recall_${average.name.lowercase()}")

fun TaskBuilder.f1(average: Average = Average.MACRO) = MetricSpec("f1_${average.name.lowercase()}")

fun TaskBuilder.auc() = MetricSpec("auc")

/** The metric `mse` (the loss of that name is [mse]). */
fun TaskBuilder.meanSquaredError() = MetricSpec("mse")

/** The metric `mae` (the loss of that name is [mae]). */
fun TaskBuilder.meanAbsoluteError() = MetricSpec("mae")

fun TaskBuilder.r2() = MetricSpec("r2")

fun TaskBuilder.pixelAccuracy() = MetricSpec("pixel_accuracy")

fun TaskBuilder.meanIou() = MetricSpec("mean_iou")

/** For per-token labels: the fraction of sentences all of whose tokens are right (`accuracy` counts tokens). */
fun TaskBuilder.sequenceAccuracy() = MetricSpec("sequence_accuracy")
