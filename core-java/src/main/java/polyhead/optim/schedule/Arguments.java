package polyhead.optim.schedule;

/**
 * Argument checks shared by the schedule records. Every failure is an {@link IllegalArgumentException} with a
 * one-line message of the form {@code "cosine: tMax must be > 0, got 0"}.
 */
final class Arguments {
    private Arguments() {
    }

    /** {@code step} itself, if it is ≥ 0. */
    static long step(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        return step;
    }

    /** A learning rate or another finite value ≥ 0. */
    static void nonNegative(String schedule, String name, double value) {
        if (!(value >= 0) || value == Double.POSITIVE_INFINITY) {
            throw fail(schedule, name, "be finite and >= 0", value);
        }
    }

    static void positive(String schedule, String name, double value) {
        if (!(value > 0) || value == Double.POSITIVE_INFINITY) {
            throw fail(schedule, name, "be finite and > 0", value);
        }
    }

    static void positive(String schedule, String name, long value) {
        if (value <= 0) {
            throw fail(schedule, name, "be > 0", value);
        }
    }

    static void nonNegative(String schedule, String name, long value) {
        if (value < 0) {
            throw fail(schedule, name, "be >= 0", value);
        }
    }

    static void atLeastOne(String schedule, String name, long value) {
        if (value < 1) {
            throw fail(schedule, name, "be >= 1", value);
        }
    }

    /** A fraction in the closed interval [0, 1]. */
    static void fraction(String schedule, String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw fail(schedule, name, "be in [0, 1]", value);
        }
    }

    /** A fraction in the open interval (0, 1). */
    static void openFraction(String schedule, String name, double value) {
        if (!(value > 0 && value < 1)) {
            throw fail(schedule, name, "be in (0, 1)", value);
        }
    }

    static IllegalArgumentException fail(String schedule, String name, String must, Object value) {
        return new IllegalArgumentException(schedule + ": " + name + " must " + must + ", got " + value);
    }
}
