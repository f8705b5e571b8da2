package polyhead.metrics;

/**
 * A metric for which larger values are better (accuracy, AUC, R², IoU, precision, recall, F1), as opposed to an
 * error ({@link MeanError}).
 */
interface Score extends Metric {
    @Override
    default boolean higherIsBetter() {
        return true;
    }
}
