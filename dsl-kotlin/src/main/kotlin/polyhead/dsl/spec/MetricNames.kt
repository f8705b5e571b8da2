package polyhead.dsl.spec

/**
 * The metric names a spec may list: those of the core's `Metrics.parse`, stated here because the spec does not see
 * the core, so that an unknown name is reported with a suggestion when the spec is read. Which labels a metric fits,
 * and which way it is better, are the core's rules ([ModelRules]).
 */
object MetricNames {
    /** Every metric name with no parameter in it, in the order of the core's list. */
    private val fixed = listOf("accuracy") +
        listOf("precision", "recall", "f1").flatMap { m -> listOf("${m}_macro", "${m}_micro") } +
        listOf("auc", "mse", "mae", "r2", "pixel_accuracy", "mean_iou", "sequence_accuracy")

    /** `top<k>_accuracy`, for class indices. */
    private val topK = Regex("""top([1-9]\d{0,8})_accuracy""")

    /** Every metric name the core knows, for messages; `top<k>_accuracy` stands for its family. */
    val known: List<String> = fixed + "top<k>_accuracy"

    /** Whether [metric] names a metric at all. */
    fun isKnown(metric: String): Boolean = metric in fixed || topK.matches(metric)
}
