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
            float[] u = updates.buffer();
            for (int i = updates.nextActive(params, 0), end; i < params.count(); i = updates.nextActive(params, end)) {
                end = updates.runEnd(params, i, null);
                int o = params.offset(i);
                int len = params.extent(i, end);
                float[] v = s.slots[0];
                if (centered) {
                    float[] mean = s.slots[1];
                    for (int j = 0; j < len; j++) {
                        float g = u[o + j];
                        float vj = a * v[o + j] + c * g * g;
                        float gj = a * mean[o + j] + c * g;
                        v[o + j] = vj;
                        mean[o + j] = gj;
                        u[o + j] = g / ((float) Math.sqrt(vj - gj * gj) + e);
                    }
                } else {
                    for (int j = 0; j < len; j++) {
                        float g = u[o + j];
                        float vj = a * v[o + j] + c * g * g;
                        v[o + j] = vj;
                        u[o + j] = g / ((float) Math.sqrt(vj) + e);
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
            Arrays.fill(s.slots[0], initialAccumulator);
            return s;
        }

        @Override
        public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            SlotState s = SlotState.of(state, this, params);
            float e = eps;
            float[] u = updates.buffer();
            for (int i = updates.nextActive(params, 0), end; i < params.count(); i = updates.nextActive(params, end)) {
                end = updates.runEnd(params, i, s.counts);
                int o = params.offset(i);
                int len = params.extent(i, end);
                long t = s.advance(i, end);
                float decay = (float) (1 / (1 + (t - 1) * lrDecay));
                float[] sum = s.slots[0];
                for (int j = 0; j < len; j++) {
                    float g = u[o + j];
                    float sj = sum[o + j] + g * g;
                    sum[o + j] = sj;
                    u[o + j] = g / ((float) Math.sqrt(sj) + e) * decay;
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
            float[] u = updates.buffer();
            for (int i = updates.nextActive(params, 0), end; i < params.count(); i = updates.nextActive(params, end)) {
                end = updates.runEnd(params, i, null);
                int o = params.offset(i);
                int len = params.extent(i, end);
                float[] v = s.slots[0];
                float[] acc = s.slots[1];
                for (int j = 0; j < len; j++) {
                    float g = u[o + j];
                    float vj = r * v[o + j] + c * g * g;
                    float aj = acc[o + j];
                    float d = (float) Math.sqrt(aj + e) / (float) Math.sqrt(vj + e) * g;
                    v[o + j] = vj;
                    acc[o + j] = r * aj + c * d * d;
                    u[o + j] = d;
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
            float[] u = updates.buffer();
            for (int i = updates.nextActive(params, 0), end; i < params.count(); i = updates.nextActive(params, end)) {
                end = updates.runEnd(params, i, s.counts);
                int o = params.offset(i);
                int len = params.extent(i, end);
                float[] buf = s.slots[0];
                // as PyTorch: the first step (of this parameter) sets the buffer to the gradient, undampened
                boolean first = s.advance(i, end) == 1;
                float keepBuf = first ? 0f : mu;
                float keepGrad = first ? 1f : keep;
                if (len < Updates.PARALLEL_MIN) {
                    trace(nesterov, u, buf, o, o + len, keepBuf, keepGrad, mu);
                } else {
                    Updates.forParts(o, o + len,
                            (from, to) -> trace(nesterov, u, buf, from, to, keepBuf, keepGrad, mu));
                }
            }
            return s;
        }

        /** The element loop over {@code [from, to)}: {@code b = keepBuf·b + keepGrad·g}, u = b (Nesterov: g + μb). */
        private static void trace(boolean nesterov, float[] u, float[] buf, int from, int to, float keepBuf,
                float keepGrad, float mu) {
            if (nesterov) {
                for (int j = from; j < to; j++) {
                    float g = u[j];
                    float b = keepBuf * buf[j] + keepGrad * g;
                    buf[j] = b;
                    u[j] = g + mu * b;
                }
            } else {
                for (int j = from; j < to; j++) {
                    float b = keepBuf * buf[j] + keepGrad * u[j];
                    buf[j] = b;
                    u[j] = b;
                }
            }
        }
    }
}
