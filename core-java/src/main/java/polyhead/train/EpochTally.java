package polyhead.train;

import java.util.LinkedHashMap;
import java.util.Map;

import polyhead.checkpoint.Checkpoint;

/**
 * What the epoch in progress has accumulated towards its history row, and how far into the epoch's data order it has
 * come. A checkpoint taken inside an epoch stores it (doubles exactly), so that a resumed epoch skips the steps
 * already taken and ends with the same row, bit for bit, as an uninterrupted one.
 */
final class EpochTally {
    private static final String PREFIX = "epoch.";
    private static final String POSITION_STEPS = PREFIX + "stepsPerEpoch";
    private static final String TAKEN = PREFIX + "stepsTaken";
    private static final String SKIPPED = PREFIX + "skippedSteps";
    private static final String EXPLODING = PREFIX + "explodingGradients";
    private static final String OBJECTIVE = PREFIX + "objective";
    private static final String MAX_NORM = PREFIX + "maxGradNorm";
    private static final String SECONDS = PREFIX + "seconds";
    private static final String LOSS_SUM = PREFIX + "lossSum.";
    private static final String LOSS_COUNT = PREFIX + "lossCount.";
    private static final String DIAGNOSTIC = PREFIX + "row.";

    /** Elements of the epoch's data order consumed: steps taken and steps skipped. */
    int position;
    /** The data's steps per epoch when the tally was saved (-1 when not yet known). */
    int stepsPerEpoch = -1;
    int taken;
    long skipped;
    long exploding;
    double objective;
    double maxGradNorm;
    /** Seconds spent on this epoch before the current process took it over. */
    double secondsBefore;
    /** Per task: sum of its step losses and their count. */
    final Map<String, double[]> taskLoss = new LinkedHashMap<>();
    /** Task-relationship diagnostics probed at the epoch's first step. */
    final Map<String, Double> diagnostics = new LinkedHashMap<>();

    void addLosses(Map<String, Double> losses) {
        losses.forEach((t, l) -> {
            double[] s = taskLoss.computeIfAbsent(t, k -> new double[2]);
            s[0] += l;
            s[1]++;
        });
    }

    /** Each task's mean step loss this epoch. */
    Map<String, Double> meanLosses() {
        Map<String, Double> means = new LinkedHashMap<>();
        taskLoss.forEach((t, s) -> means.put(t, s[0] / s[1]));
        return means;
    }

    /** Records the tally into a checkpoint being built (the position is the caller's: {@code dataPosition}). */
    void write(Checkpoint.Builder b, double secondsNow) {
        b.counter(POSITION_STEPS, stepsPerEpoch).counter(TAKEN, taken).counter(SKIPPED, skipped)
                .counter(EXPLODING, exploding).value(OBJECTIVE, objective).value(MAX_NORM, maxGradNorm)
                .value(SECONDS, secondsBefore + secondsNow);
        taskLoss.forEach((t, s) -> b.value(LOSS_SUM + t, s[0]).counter(LOSS_COUNT + t, (long) s[1]));
        diagnostics.forEach((k, v) -> b.value(DIAGNOSTIC + k, v));
    }

    /** The tally a checkpoint taken {@code c.dataPosition()} steps into an epoch stored. */
    static EpochTally read(Checkpoint c, String what) {
        EpochTally t = new EpochTally();
        t.position = Math.toIntExact(c.dataPosition());
        t.stepsPerEpoch = Math.toIntExact(counter(c, POSITION_STEPS, what));
        t.taken = Math.toIntExact(counter(c, TAKEN, what));
        t.skipped = counter(c, SKIPPED, what);
        t.exploding = counter(c, EXPLODING, what);
        t.objective = value(c, OBJECTIVE, what);
        t.maxGradNorm = value(c, MAX_NORM, what);
        t.secondsBefore = value(c, SECONDS, what);
        c.values().forEach((k, v) -> {
            if (k.startsWith(LOSS_SUM)) {
                String task = k.substring(LOSS_SUM.length());
                t.taskLoss.put(task, new double[] {v, counter(c, LOSS_COUNT + task, what)});
            } else if (k.startsWith(DIAGNOSTIC)) {
                t.diagnostics.put(k.substring(DIAGNOSTIC.length()), v);
            }
        });
        return t;
    }

    private static long counter(Checkpoint c, String key, String what) {
        Long v = c.counters().get(key);
        if (v == null) {
            throw new IllegalArgumentException(what + " was taken " + c.dataPosition() + " steps into epoch "
                    + c.epoch() + " but lacks the epoch's running totals (counter '" + key + "')");
        }
        return v;
    }

    private static double value(Checkpoint c, String key, String what) {
        Double v = c.values().get(key);
        if (v == null) {
            throw new IllegalArgumentException(what + " was taken " + c.dataPosition() + " steps into epoch "
                    + c.epoch() + " but lacks the epoch's running totals (value '" + key + "')");
        }
        return v;
    }
}
