package polyhead.optim.schedule;

import java.util.List;

/** {@link Schedules#multiStep}; {@code milestones} non-decreasing, a repeated milestone counting once per repeat. */
record MultiStep(double lr, List<Integer> milestones, double gamma) implements Schedule {
    MultiStep {
        Arguments.nonNegative("multiStep", "lr", lr);
        milestones = List.copyOf(milestones);
        if (milestones.isEmpty()) {
            throw new IllegalArgumentException("multiStep: milestones must not be empty, got []");
        }
        for (int i = 0; i < milestones.size(); i++) {
            if (milestones.get(i) < 0) {
                throw Arguments.fail("multiStep", "milestones[" + i + "]", "be >= 0", milestones.get(i));
            }
            if (i > 0 && milestones.get(i) < milestones.get(i - 1)) {
                throw new IllegalArgumentException("multiStep: milestones must be sorted (non-decreasing), got "
                        + milestones);
            }
        }
        Arguments.positive("multiStep", "gamma", gamma);
    }

    @Override
    public double valueAt(long step) {
        Arguments.step(step);
        // The number of milestones ≤ step, repeats included (PyTorch's bisect_right over its Counter's elements).
        int lo = 0;
        int hi = milestones.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (milestones.get(mid) <= step) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lr * Math.pow(gamma, lo);
    }
}
