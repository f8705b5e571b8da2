package polyhead.optim;

import polyhead.optim.schedule.Schedule;

/** Setting checks shared by the blocks and optimizers; messages read "{@code who: setting must be ..., got value}". */
final class Check {
    private Check() {
    }

    static double lr(String who, double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(who + ": lr must be a finite number >= 0, got " + lr);
        }
        return lr;
    }

    /** A schedule used as a learning rate: non-null and, at step 0, finite and >= 0. */
    static Schedule lr(String who, Schedule lr) {
        if (lr == null) {
            throw new IllegalArgumentException(who + ": lr schedule is null");
        }
        double v = lr.valueAt(0);
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(who + ": lr must be a finite number >= 0, got " + v
                    + " from the lr schedule at step 0");
        }
        return lr;
    }

    /** A decay rate in [0, 1). */
    static double beta(String who, String name, double b) {
        if (!(b >= 0 && b < 1)) {
            throw new IllegalArgumentException(who + ": " + name + " must be in [0, 1), got " + b);
        }
        return b;
    }

    static double positive(String who, String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(who + ": " + name + " must be a finite number > 0, got " + v);
        }
        return v;
    }

    static double nonNegative(String who, String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(who + ": " + name + " must be a finite number >= 0, got " + v);
        }
        return v;
    }

    static int atLeast(String who, String name, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException(who + ": " + name + " must be >= " + min + ", got " + v);
        }
        return v;
    }

    static <T> T notNull(String who, String name, T v) {
        if (v == null) {
            throw new IllegalArgumentException(who + ": " + name + " is null");
        }
        return v;
    }
}
