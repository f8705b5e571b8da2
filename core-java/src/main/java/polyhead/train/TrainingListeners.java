package polyhead.train;

import java.util.Map;

/**
 * Listeners from lambdas, for Java and Kotlin alike: a learning-rate schedule over epochs (Keras'
 * {@code LearningRateScheduler}), a stopping condition (an {@code EarlyStopping} of one's own), and actions after each
 * epoch or step with the run's {@link TrainingControl}.
 *
 * <pre>{@code
 * Trainer.Builder b = ...
 *     .listener(TrainingListeners.learningRateScheduler((epoch, lr) -> epoch < 5 ? lr : lr * 0.9))
 *     .listener(TrainingListeners.stopWhen((epoch, row) -> row.get("val.item.accuracy") > 0.9));
 * }</pre>
 */
public final class TrainingListeners {
    private TrainingListeners() {
    }

    /** A learning rate for an epoch, from the epoch (from 0) and the learning rate in use. */
    @FunctionalInterface
    public interface LearningRateFunction {
        double learningRate(int epoch, double current);
    }

    /** A condition on an epoch's history row. */
    @FunctionalInterface
    public interface EpochCondition {
        boolean test(int epoch, Map<String, Double> row);
    }

    /** What to do after an epoch, with its history row and the run's control. */
    @FunctionalInterface
    public interface EpochAction {
        void epochEnded(int epoch, Map<String, Double> row, TrainingControl control);
    }

    /** What to do after a step, with the tasks' losses of the step and the run's control. */
    @FunctionalInterface
    public interface StepAction {
        void stepEnded(int epoch, long step, Map<String, Double> taskLosses, TrainingControl control);
    }

    /**
     * Before every epoch, sets the learning rate to {@code schedule.learningRate(epoch, current)}, as Keras'
     * {@code LearningRateScheduler(schedule)}; the epoch's steps all use it.
     */
    public static TrainingListener learningRateScheduler(LearningRateFunction schedule) {
        return new Attached() {
            @Override
            public void epochStarted(int epoch) {
                control.setLearningRate(schedule.learningRate(epoch, control.learningRate()));
            }
        };
    }

    /** Stops the run after the first epoch whose history row meets {@code condition}. */
    public static TrainingListener stopWhen(EpochCondition condition) {
        return onEpochEnd((epoch, row, control) -> {
            if (condition.test(epoch, row)) {
                control.stop();
            }
        });
    }

    /** Runs {@code action} after every epoch. */
    public static TrainingListener onEpochEnd(EpochAction action) {
        return new Attached() {
            @Override
            public void epochEnded(int epoch, Map<String, Double> row) {
                action.epochEnded(epoch, row, control);
            }
        };
    }

    /** Runs {@code action} after every optimizer step. */
    public static TrainingListener onStepEnd(StepAction action) {
        return new Attached() {
            @Override
            public void stepEnded(int epoch, long step, Map<String, Double> taskLosses, int samples) {
                action.stepEnded(epoch, step, taskLosses, control);
            }
        };
    }

    /** A listener that keeps the control it is attached to. */
    private abstract static class Attached implements TrainingListener {
        TrainingControl control;

        @Override
        public void attach(TrainingControl c) {
            this.control = c;
        }
    }
}
