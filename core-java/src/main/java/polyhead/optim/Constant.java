package polyhead.optim;

import polyhead.optim.schedule.Schedule;

/** A fixed learning rate as a schedule, printed as its value (settings records show it in their toString). */
record Constant(double value) implements Schedule {
    @Override
    public double valueAt(long step) {
        return value;
    }

    @Override
    public String toString() {
        return Double.toString(value);
    }
}
