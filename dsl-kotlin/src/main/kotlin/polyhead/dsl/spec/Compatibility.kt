package polyhead.dsl.spec


/**
 * Which losses and metrics fit which labels. The metric names are those of the core's `Metrics.parse`; the table
 * mirrors the label types each core metric declares (`Metric.labelTypes()`), stated here because the spec does not
 * see the core.
 */
object Compatibility {
    /** Loss type names (their JSON `"type"`) by the labels they fit. */
    val lossesByLabels: Map<Labels, List<String>> = mapOf(
        Labels.CLASS_INDEX to listOf("crossEntropy"),
        Labels.BINARY to listOf("bceWithLogits"),
        Labels.REAL_VECTOR to listOf("mse", "mae", "huber"),
        Labels.PIXEL_CLASS_MAP to listOf("crossEntropy"),
    )

    private val averaged = listOf("precision", "recall", "f1").flatMap { m -> listOf("${m}_macro", "${m}_micro") }

    /** Metric names with no parameter, by the labels they are defined for. */
    val metricsByLabels: Map<Labels, List<String>> = mapOf(
        Labels.CLASS_INDEX to listOf("accuracy") + averaged,
        Labels.BINARY to listOf("accuracy") + averaged + "auc",
        Labels.REAL_VECTOR to listOf("mse", "mae", "r2"),
        Labels.PIXEL_CLASS_MAP to listOf("pixel_accuracy", "mean_iou"),
    )

    /** `top<k>_accuracy`, for class indices. */
    private val topK = Regex("""top([1-9]\d{0,8})_accuracy""")

    /** Every metric name the core knows, for messages; `top<k>_accuracy` stands for its family. */
    val knownMetrics: List<String> = metricsByLabels.values.flatten().distinct() + "top<k>_accuracy"

    /** Whether [metric] names a metric at all. */
    fun isKnownMetric(metric: String): Boolean = labelsOf(metric).isNotEmpty()

    /** The labels [metric] is defined for; empty for an unknown name. */
    fun labelsOf(metric: String): List<Labels> =
        if (topK.matches(metric)) listOf(Labels.CLASS_INDEX)
        else metricsByLabels.filterValues { metric in it }.keys.toList()

    /**
     * Whether a higher value of [metric] is better (accuracy) or a lower one (mse, mae), as the core metric's
     * `higherIsBetter()`; null for an unknown name.
     */
    fun higherIsBetter(metric: String): Boolean? = when {
        !isKnownMetric(metric) -> null
        else -> metric !in lowerIsBetter
    }

    private val lowerIsBetter = setOf("mse", "mae")

    fun fits(loss: LossSpec, labels: Labels): Boolean = loss.typeName in lossesByLabels.getValue(labels)
}
