package polyhead.optim;

import java.util.Arrays;

/**
 * Preconditioners built on an accumulated or averaged square of the gradient: RMSprop, Adagrad, Adadelta; and
 * {@code trace}, the momentum of SGD. The math, papers and PyTorch deviations are documented on their factories in
 * {@link Transforms}. Only active parameters are touched.
 */
final class SquareBlocks {
    private SquareBlocks() {
    }

    /** {@link Transforms#scaleByRms}. Slots v (and g, the mean gradient, when centered). */
    static final class Rms implements GradientTransformation {
        private final double alpha;
        private final float eps;
        private final boolean centered;

        Rms(double alpha, double eps, boolean centered) {
            this.alpha = Check.beta("scaleByRms", "alpha", alpha);
            this.eps = (float) Check.positive("scaleByRms", "eps", eps);
            this.centered = centered;
        }

        @Override
        public String name() {
            return "rms";
        }

        @Override
        public OptState init(Params params) {
            return new SlotState(this, params, false, centered ? new String[] {"v", "g"} : new String[] {"v"});
        }

        @Override
        public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            SlotState s = SlotState.of(state, this, params);
            float a = (float) alpha;
            float c = (float) (1 - alpha);
            float e = eps;
            for (int i = 0, n = params.count(); i < n; i++) {
                int index = params.index(i);
                if (!updates.isActive(index)) {
                    continue;
                }
                float[] u = updates.segment(index);
                float[] v = s.slots[0][i];
                if (centered) {
                    float[] mean = s.slots[1][i];
                    for (int j = 0; j < u.length; j++) {
                        float g = u[j];
                        float vj = a * v[j] + c * g * g;
                        float gj = a * mean[j] + c * g;
                        v[j] = vj;
                        mean[j] = gj;
                        u[j] = g / ((float) Math.sqrt(vj - gj * gj) + e);
                    }
                } else {
                    for (int j = 0; j < u.length; j++) {
                        float g = u[j];
                        float vj = a * v[j] + c * g * g;
                        v[j] = vj;
                        u[j] = g / ((float) Math.sqrt(vj) + e);
                    }
                }
            }
            return s;
        }
    }

    /** {@link Transforms#scaleByAdagrad}. Slot sum; per-parameter counts (for the lr decay). */
    static final class Adagrad implements GradientTransformation {
        private final float initialAccumulator;
        private final float eps;
        private final double lrDecay;

        Adagrad(double initialAccumulator, double eps, double lrDecay) {
            this.initialAccumulator = (float) Check.nonNegative("scaleByAdagrad", "initialAccumulator",
                    initialAccumulator);
            this.eps = (float) Check.positive("scaleByAdagrad", "eps", eps);
            this.lrDecay = Check.nonNegative("scaleByAdagrad", "lrDecay", lrDecay);
        }

        @Override
        public String name() {
            return "adagrad";
        }

        @Override
        public OptState init(Params params) {
            SlotState s = new SlotState(this, params, true, new String[] {"sum"});
            for (float[] sum : s.slots[0]) {
                Arrays.fill(sum, initialAccumulator);
            }
            return s;
        }

        @Override
        public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            SlotState s = SlotState.of(state, this, params);
            float e = eps;
            for (int i = 0, n = params.count(); i < n; i++) {
                int index = params.index(i);
                if (!updates.isActive(index)) {
                    continue;
                }
                long t = ++s.counts[i];
                float decay = (float) (1 / (1 + (t - 1) * lrDecay));
                float[] u = updates.segment(index);
                float[] sum = s.slots[0][i];
                for (int j = 0; j < u.length; j++) {
                    float g = u[j];
                    float sj = sum[j] + g * g;
                    sum[j] = sj;
                    u[j] = g / ((float) Math.sqrt(sj) + e) * decay;
                }
            }
            return s;
        }
    }

    /** {@link Transforms#scaleByAdadelta}. Slots v (squared gradients) and delta (squared updates). */
    static final class Adadelta implements GradientTransformation {
        private final double rho;
        private final float eps;

        Adadelta(double rho, double eps) {
            this.rho = Check.beta("scaleByAdadelta", "rho", rho);
            this.eps = (float) Check.positive("scaleByAdadelta", "eps", eps);
        }

        @Override
        public String name() {
            return "adadelta";
        }

        @Override
        public OptState init(Params params) {
            return new SlotState(this, params, false, new String[] {"v", "delta"});
        }

        @Override
        public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            SlotState s = SlotState.of(state, this, params);
            float r = (float) rho;
            float c = (float) (1 - rho);
            float e = eps;
            for (int i = 0, n = params.count(); i < n; i++) {
                int index = params.index(i);
                if (!updates.isActive(index)) {
                    continue;
                }
                float[] u = updates.segment(index);
                float[] v = s.slots[0][i];
                float[] acc = s.slots[1][i];
                for (int j = 0; j < u.length; j++) {
                    float g = u[j];
                    float vj = r * v[j] + c * g * g;
                    float aj = acc[j];
                    float d = (float) Math.sqrt(aj + e) / (float) Math.sqrt(vj + e) * g;
                    v[j] = vj;
                    acc[j] = r * aj + c * d * d;
                    u[j] = d;
                }
            }
            return s;
        }
    }

    /** {@link Transforms#trace}. Slot momentum; per-parameter counts (the first step starts the buffer). */
    static final class Trace implements GradientTransformation {
        private final double momentum;
        private final double dampening;
        private final boolean nesterov;

        Trace(double momentum, double dampening, boolean nesterov) {
            this.momentum = Check.nonNegative("trace", "momentum", momentum);
            this.dampening = Check.nonNegative("trace", "dampening", dampening);
            if (dampening > 1) {
                throw new IllegalArgumentException("trace: dampening must be in [0, 1], got " + dampening);
            }
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("trace: nesterov needs momentum > 0 and dampening = 0, got momentum "
                        + momentum + ", dampening " + dampening);
            }
            this.nesterov = nesterov;
        }

        @Override
        public String name() {
            return "trace";
        }

        @Override
        public OptState init(Params params) {
            return new SlotState(this, params, true, new String[] {"momentum"});
        }

        @Override
        public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            SlotState s = SlotState.of(state, this, params);
            float mu = (float) momentum;
            float keep = (float) (1 - dampening);
            for (int i = 0, n = params.count(); i < n; i++) {
                int index = params.index(i);
                if (!updates.isActive(index)) {
                    continue;
                }
                float[] u = updates.segment(index);
                float[] buf = s.slots[0][i];
                // as PyTorch: the first step (of this parameter) sets the buffer to the gradient, undampened
                boolean first = s.counts[i]++ == 0;
                float keepBuf = first ? 0f : mu;
                float keepGrad = first ? 1f : keep;
                if (nesterov) {
                    for (int j = 0; j < u.length; j++) {
                        float g = u[j];
                        float b = keepBuf * buf[j] + keepGrad * g;
                        buf[j] = b;
                        u[j] = g + mu * b;
                    }
                } else {
                    for (int j = 0; j < u.length; j++) {
                        float b = keepBuf * buf[j] + keepGrad * u[j];
                        buf[j] = b;
                        u[j] = b;
                    }
                }
            }
            return s;
        }
    }
}
