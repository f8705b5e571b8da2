package polyhead.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import polyhead.data.LabelType;
import polyhead.io.UserText;

/**
 * The metrics, and {@link #parse(String)} from their names.
 *
 * <p>Conventions shared by all, the same as {@code polyhead.loss}:
 * <ul>
 * <li>Predictions are the model's raw outputs: logits for classification (a probability would do for {@link #auc()}
 *     alone). Targets are float tensors: class indices (integral values in [0, C)), binary labels (0 or 1), or
 *     real values (finite).</li>
 * <li>The mask is null (every sample labelled) or [N] of 0/1; for per-token inputs of padded sequences (logits
 *     [N, T, C], targets [N, T]) it is [N, T], 0 at padding (see {@link #sequenceAccuracy()}). A sample whose mask is 0 is ignored entirely: its
 *     target is never read nor validated, so it may hold a placeholder (NaN, −100, an out-of-range class).</li>
 * <li>An invalid input throws before anything is counted, so a rejected batch leaves the accumulator as it was:
 *     shapes that do not fit throw a {@link polyhead.tensor.ShapeException} naming both shapes; a mask value other
 *     than 0/1 or an invalid labelled target throws an {@link IllegalArgumentException} naming the metric, the
 *     position and the value.</li>
 * <li>Counts are longs and sums doubles. {@link Metric.Accumulator#result()} is NaN while nothing labelled has been
 *     added (no batch, or every sample masked), and where a metric documents it (AUC with one class, R² with
 *     constant targets).</li>
 * </ul>
 */
public final class Metrics {
    private static final Pattern TOP_K = Pattern.compile("top(\\d{1,9})_accuracy");
    private static final String KNOWN = "accuracy, top<k>_accuracy (e.g. top5_accuracy), precision_macro, "
            + "precision_micro, recall_macro, recall_micro, f1_macro, f1_micro, auc, mse, mae, r2, pixel_accuracy, "
            + "mean_iou, sequence_accuracy";

    private Metrics() {
    }

    /**
     * {@code accuracy}: the fraction of labelled predictions that are right, for either label type, told apart by
     * shape.
     * <ul>
     * <li>Class indices: logits [N, C] with targets [N]; the prediction is the argmax, the lowest class on ties (as
     *     {@code numpy.argmax}), so a tie with the target's logit may count as right, unlike {@link #topK}.</li>
     * <li>Binary labels: logits and 0/1 targets of one shape, [N] or [N, D]; element-wise, a logit > 0 predicts 1
     *     (probability > 0.5), and every labelled element counts once ((tp + tn) / elements).</li>
     * </ul>
     * The batches of one accumulator must all be of one kind.
     */
    public static Metric accuracy() {
        return new Accuracy();
    }

    /**
     * {@code top<k>_accuracy} (e.g. {@code top5_accuracy}): the fraction of labelled samples whose target class is
     * among the k largest logits, on logits [N, C] and class-index targets [N].
     *
     * <p>Ties count against the target: the target is in the top k if fewer than k other classes have a logit ≥ its
     * own (NaN counts as larger). This is the pessimistic reading and does not depend on how a sort breaks ties;
     * {@code torch.topk} breaks them by an unspecified order instead. So {@code topK(1)} is right only for a strict
     * maximum, and can be below {@link #accuracy()}, which gives ties to the lowest class.
     *
     * @throws IllegalArgumentException if k < 1; {@code add} throws a {@link polyhead.tensor.ShapeException} if k
     *                                  exceeds C
     */
    public static Metric topK(int k) {
        return new TopK(k);
    }

    /**
     * {@code precision_macro} / {@code precision_micro}: tp/(tp + fp) per class, averaged as {@code average} says.
     * Inputs as {@link #accuracy()}. Class indices: one class per sample, the argmax (C from the logits).
     * Binary labels [N] or [N, D]: each of the D labels is scored on its positive class (logit > 0), as
     * scikit-learn's multilabel-indicator format; for [N] this is scikit-learn's {@code average='binary'}.
     *
     * <p>Zero division as scikit-learn's {@code zero_division=0}: a class never predicted has precision 0. Macro
     * averaging runs over the classes (labels) that occur in the targets or in the predictions, scikit-learn's
     * default label set for class indices (for multilabel input scikit-learn averages over all D labels; a label
     * that is negative everywhere and never predicted is left out here); a macro average over no such class is 0.
     */
    public static Metric precision(Average average) {
        return new ClassificationScore(ClassScore.PRECISION, average);
    }

    /**
     * {@code recall_macro} / {@code recall_micro}: tp/(tp + fn) per class; inputs, averaging and zero division as
     * {@link #precision(Average)} (a class that is never a target has recall 0).
     */
    public static Metric recall(Average average) {
        return new ClassificationScore(ClassScore.RECALL, average);
    }

    /**
     * {@code f1_macro} / {@code f1_micro}: 2tp/(2tp + fp + fn) per class, the harmonic mean of precision and recall;
     * inputs, averaging and zero division as {@link #precision(Average)} (0 when tp = fp = fn = 0).
     */
    public static Metric f1(Average average) {
        return new ClassificationScore(ClassScore.F1, average);
    }

    /**
     * A confusion matrix accumulator for exactly {@code numClasses} classes, rows = target, columns = argmax
     * prediction. It is not a scalar {@link Metric}; see {@link ConfusionMatrix}.
     *
     * @throws IllegalArgumentException if numClasses < 1
     */
    public static ConfusionMatrix confusionMatrix(int numClasses) {
        return new ConfusionMatrix(ConfusionMatrix.NAME, numClasses);
    }

    /**
     * {@code auc}: the area under the ROC curve of binary labels, predictions (logits or probabilities: only their
     * order matters) and 0/1 targets of one shape [N] or [N, D]; the elements of [N, D] are pooled into one ranking
     * (scikit-learn's multilabel {@code average='micro'}).
     * <pre>
     * AUC = U / (P·N),   U = Σ_{positives p} (#{negatives n: s_n < s_p} + ½·#{negatives n: s_n = s_p})
     * </pre>
     * the Mann–Whitney U statistic with tied scores counted half, i.e. with average ranks for ties; it equals the
     * trapezoidal area of scikit-learn's {@code roc_auc_score}. The accumulator keeps every labelled score.
     * NaN when only one class has been seen (scikit-learn raises an error there).
     */
    public static Metric auc() {
        return new Auc();
    }

    /**
     * {@code mse}: Σ (ŷ − y)² / M over the M labelled elements, predictions and targets of one shape [N] or [N, D]
     * ({@code torch.nn.functional.mse_loss} over the labelled samples).
     */
    public static Metric mse() {
        return new MeanError(true);
    }

    /** {@code mae}: Σ |ŷ − y| / M over the M labelled elements; inputs as {@link #mse()}. */
    public static Metric mae() {
        return new MeanError(false);
    }

    /**
     * {@code r2}: the coefficient of determination over all labelled elements pooled,
     * <pre>
     * R² = 1 − SS_res / SS_tot,   SS_res = Σ (y − ŷ)²,   SS_tot = Σ (y − ȳ)²,   ȳ = mean of all labelled targets
     * </pre>
     * For [N] this is scikit-learn's {@code r2_score}; for [N, D] it is that of the flattened arrays, not
     * scikit-learn's default average of D per-column scores. Accumulated in double with a pairwise (Chan et al.)
     * update of the targets' mean and SS_tot, so batches of any size give the one-pass result up to rounding.
     * NaN when SS_tot = 0 (all labelled targets equal, or one element): R² is undefined there (scikit-learn's
     * {@code force_finite} default would report 1 or 0). Can be negative.
     */
    public static Metric r2() {
        return new RSquared();
    }

    /**
     * {@code pixel_accuracy}: the fraction of labelled pixels whose argmax class is the target, on logits
     * [N, C, H, W] and class-index targets [N, H, W] (any [N, C, d1, …, dk] with [N, d1, …, dk], k ≥ 1); a mask
     * [N] drops whole images.
     */
    public static Metric pixelAccuracy() {
        return new PixelAccuracy();
    }

    /**
     * {@code mean_iou}: the mean over classes of IoU_c = tp/(tp + fp + fn) from the confusion matrix of all labelled
     * pixels (inputs as {@link #pixelAccuracy()}, C from the logits). The mean runs over the classes present in the
     * targets or the predictions; a class absent from both (0/0) is left out, as the {@code nanmean} over
     * per-class IoU in mmsegmentation's {@code IoUMetric}. Counted over the whole dataset, not averaged per image.
     */
    public static Metric meanIou() {
        return new MeanIou(0);
    }

    /**
     * {@link #meanIou()} checking that the logits have {@code numClasses} classes.
     *
     * @throws IllegalArgumentException if numClasses < 1
     */
    public static Metric meanIou(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException(MeanIou.NAME + ": numClasses must be at least 1, got " + numClasses);
        }
        return new MeanIou(numClasses);
    }

    /**
     * {@code sequence_accuracy}: the fraction of sequences all of whose labelled tokens are predicted right (argmax,
     * first on ties), on per-token logits [N, T, C] with class-index targets and a mask [N, T] (0 at padding and
     * missing labels); a sequence without a labelled token is not counted. For a tagger, the share of sentences
     * tagged without a mistake.
     *
     * <p>Per-token tasks ({@link LabelType#TOKEN_CLASS}) also take {@link #accuracy()} (token accuracy: the fraction
     * of labelled tokens that are right), {@link #precision}, {@link #recall} and {@link #f1} ({@code f1_macro}: the
     * mean of the per-tag F1 over the tags that occur in the targets or predictions; each tag's own F1 is
     * {@link ConfusionMatrix#f1PerClass()}): given a mask [N, T], they count each labelled token as a sample.
     */
    public static Metric sequenceAccuracy() {
        return new SequenceAccuracy();
    }

    /**
     * The metric of a name as {@link Metric#name()} gives it: {@code accuracy}, {@code top<k>_accuracy},
     * {@code precision_macro}, {@code precision_micro}, {@code recall_macro}, {@code recall_micro},
     * {@code f1_macro}, {@code f1_micro}, {@code auc}, {@code mse}, {@code mae}, {@code r2},
     * {@code pixel_accuracy}, {@code mean_iou} (the number of classes taken from the logits), {@code sequence_accuracy}.
     * {@code parse(m.name())} equals {@code m} for every metric here except {@link #meanIou(int)}.
     *
     * @throws IllegalArgumentException for any other name, listing the known ones
     */
    public static Metric parse(String name) {
        Objects.requireNonNull(name, "name");
        for (Metric m : fixedNames()) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        Matcher top = TOP_K.matcher(name);
        if (top.matches()) {
            return topK(Integer.parseInt(top.group(1)));
        }
        throw new IllegalArgumentException("unknown metric " + UserText.quote(name) + "; known: " + KNOWN);
    }

    /**
     * The names of the metrics here without a parameter in their name that are defined for {@code labels}, in the
     * order of {@link #parse}'s list: what a task with those labels can list.
     */
    public static List<String> names(LabelType labels) {
        return fixedNames().stream().filter(m -> m.labelTypes().contains(labels)).map(Metric::name).toList();
    }

    /** Every metric whose name has no parameter in it, in the order of {@link #parse}'s list. */
    private static List<Metric> fixedNames() {
        List<Metric> all = new ArrayList<>(List.of(accuracy()));
        for (ClassScore score : List.of(ClassScore.PRECISION, ClassScore.RECALL, ClassScore.F1)) {
            for (Average a : Average.values()) {
                all.add(new ClassificationScore(score, a));
            }
        }
        all.addAll(List.of(auc(), mse(), mae(), r2(), pixelAccuracy(), meanIou(), sequenceAccuracy()));
        return all;
    }
}
