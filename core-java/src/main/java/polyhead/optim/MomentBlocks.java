package polyhead.optim;

import java.util.Arrays;

/**
 * Preconditioners built on a first-moment average of the gradient: Adam (with AMSGrad), Adamax, NAdam, RAdam and
 * Lion. The math, papers and PyTorch deviations are documented on their factories in {@link Transforms}.
 *
 * <p>Every loop here works on the active parameters only and advances a parameter's moments and step count only when
 * it is active. Element arithmetic is float32; per-parameter coefficients (bias corrections) are computed in double.
 * Element loops index every array by the same {@code j} from 0 and keep branches outside, so that C2 vectorizes them.
 */
final class MomentBlocks {
    private MomentBlocks() {
    }

    /** {@link Transforms#scaleByAdam}. Slots m, v (and vMax with AMSGrad); per-parameter counts. */
    static final class Adam implements GradientTransformation {
        private final double beta1;
        private final double beta2;
        private final float eps;
        private final boolean amsgrad;

        Adam(double beta1, double beta2, double eps, boolean amsgrad) {
            this.beta1 = Check.beta("scaleByAdam", "beta1", beta1);
            this.beta2 = Check.beta("scaleByAdam", "beta2", beta2);
            this.eps = (float) Check.positive("scaleByAdam", "eps", eps);
            this.amsgrad = amsgrad;
        }

        @Override
        public String name() {
            return "adam";
        }

        @Override
        public OptState init(Params params) {
            return new SlotState(this, params, true, amsgrad ? new String[] {"m", "v", "vMax"} : new String[] {"m", "v"});
        }

        @Override
        public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            SlotState s = SlotState.of(state, this, params);
            float b1 = (float) beta1;
            float c1 = (float) (1 - beta1);
            float b2 = (float) beta2;
            float c2 = (float) (1 - beta2);
            float e = eps;
            float[] u = updates.buffer();
            for (int i = updates.nextActive(params, 0), end; i < params.count(); i = updates.nextActive(params, end)) {
                end = updates.runEnd(params, i, s.counts);
                long t = s.advance(i, end);
                int o = params.offset(i);
                int len = params.extent(i, end);
                float stepScale = (float) (1 / (1 - Math.pow(beta1, t)));
                float invSqrtBc2 = (float) (1 / Math.sqrt(1 - Math.pow(beta2, t)));
                float[] m = s.slots[0];
                float[] v = s.slots[1];
                if (amsgrad) {
                    float[] vMax = s.slots[2];
                    for (int j = 0; j < len; j++) {
                        float g = u[o + j];
                        float mj = b1 * m[o + j] + c1 * g;
                        float vj = b2 * v[o + j] + c2 * g * g;
                        float vm = Math.max(vMax[o + j], vj);
                        m[o + j] = mj;
                        v[o + j] = vj;
                        vMax[o + j] = vm;
                        u[o + j] = mj * stepScale / ((float) Math.sqrt(vm) * invSqrtBc2 + e);
                    }
                } else if (len < Updates.PARALLEL_MIN) {
                    adam(u, m, v, o, len, b1, c1, b2, c2, stepScale, invSqrtBc2, e);
                } else {
                    Updates.forParts(o, o + len,
                            (from, to) -> adam(u, m, v, from, to - from, b1, c1, b2, c2, stepScale, invSqrtBc2, e));
                }
            }
            return s;
        }
    }

    /**
     * Adam's element loop over one run (without AMSGrad, the common case), a method of its own: C2 compiles it apart
     * from the run bookkeeping, and it ran faster so (BENCHMARKS.md, implementation notes).
     */
    static void adam(float[] u, float[] m, float[] v, int o, int len, float b1, float c1, float b2, float c2,
            float stepScale, float invSqrtBc2, float e) {
        for (int j = 0; j < len; j++) {
            float g = u[o + j];
            float mj = b1 * m[o + j] + c1 * g;
            float vj = b2 * v[o + j] + c2 * g * g;
            m[o + j] = mj;
            v[o + j] = vj;
            u[o + j] = mj * stepScale / ((float) Math.sqrt(vj) * invSqrtBc2 + e);
        }
    }

    /** {@link Transforms#scaleByAdamax}. Slots m, u (the decayed infinity norm); per-parameter counts. */
    static final class Adamax implements GradientTransformation {
        private final double beta1;
        private final double beta2;
        private final float eps;

        Adamax(double beta1, double beta2, double eps) {
            this.beta1 = Check.beta("scaleByAdamax", "beta1", beta1);
            this.beta2 = Check.beta("scaleByAdamax", "beta2", beta2);
            this.eps = (float) Check.positive("scaleByAdamax", "eps", eps);
        }

        @Override
        public String name() {
            return "adamax";
        }

        @Override
        public OptState init(Params params) {
            return new SlotState(this, params, true, new String[] {"m", "u"});
        }

        @Override
        public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            SlotState s = SlotState.of(state, this, params);
            float b1 = (float) beta1;
            float c1 = (float) (1 - beta1);
            float b2 = (float) beta2;
            float e = eps;
            float[] u = updates.buffer();
            for (int i = updates.nextActive(params, 0), end; i < params.count(); i = updates.nextActive(params, end)) {
                end = updates.runEnd(params, i, s.counts);
                long t = s.advance(i, end);
                int o = params.offset(i);
                int len = params.extent(i, end);
                float stepScale = (float) (1 / (1 - Math.pow(beta1, t)));
                float[] m = s.slots[0];
                float[] inf = s.slots[1];
                for (int j = 0; j < len; j++) {
                    float g = u[o + j];
                    float mj = b1 * m[o + j] + c1 * g;
                    float nj = Math.max(b2 * inf[o + j], Math.abs(g) + e);
                    m[o + j] = mj;
                    inf[o + j] = nj;
                    u[o + j] = mj / nj * stepScale;
                }
            }
            return s;
        }
    }

    /** {@link Transforms#scaleByNadam}. Slots m, v; per-parameter counts and momentum products μ₁⋯μ_t. */
    static final class Nadam implements GradientTransformation {
        private final double beta1;
        private final double beta2;
        private final float eps;
        private final double momentumDecay;

        Nadam(double beta1, double beta2, double eps, double momentumDecay) {
            this.beta1 = Check.beta("scaleByNadam", "beta1", beta1);
            this.beta2 = Check.beta("scaleByNadam", "beta2", beta2);
            this.eps = (float) Check.positive("scaleByNadam", "eps", eps);
            this.momentumDecay = Check.nonNegative("scaleByNadam", "momentumDecay", momentumDecay);
        }

        @Override
        public String name() {
            return "nadam";
        }

        @Override
        public OptState init(Params params) {
            SlotState s = new SlotState(this, params, true, new String[] {"m", "v"}, "muProduct");
            Arrays.fill(s.values[0], 1.0);
            return s;
        }

        private double mu(long t) {
            return beta1 * (1 - 0.5 * Math.pow(0.96, t * momentumDecay));
        }

        @Override
        public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            SlotState s = SlotState.of(state, this, params);
            double[] muProduct = s.values[0];
            float b1 = (float) beta1;
            float c1 = (float) (1 - beta1);
            float b2 = (float) beta2;
            float c2 = (float) (1 - beta2);
            float e = eps;
            float[] u = updates.buffer();
            for (int i = updates.nextActive(params, 0), end; i < params.count(); i = updates.nextActive(params, end)) {
                end = updates.runEnd(params, i, s.counts);
                int same = i + 1;
                while (same < end && muProduct[same] == muProduct[i]) {
                    same++;
                }
                end = same;
                long t = s.advance(i, end);
                int o = params.offset(i);
                int len = params.extent(i, end);
                float invBc2 = (float) (1 / (1 - Math.pow(beta2, t)));
                double mu = mu(t);
                double muNext = mu(t + 1);
                double product = muProduct[i] * mu;
                Arrays.fill(muProduct, i, end, product);
                float gradCoef = (float) ((1 - mu) / (1 - product));
                float momentCoef = (float) (muNext / (1 - product * muNext));
                float[] m = s.slots[0];
                float[] v = s.slots[1];
                for (int j = 0; j < len; j++) {
                    float g = u[o + j];
                    float mj = b1 * m[o + j] + c1 * g;
                    float vj = b2 * v[o + j] + c2 * g * g;
                    m[o + j] = mj;
                    v[o + j] = vj;
                    u[o + j] = (gradCoef * g + momentCoef * mj) / ((float) Math.sqrt(vj * invBc2) + e);
                }
            }
            return s;
        }
    }

    /** {@link Transforms#scaleByRadam}. Slots m, v; per-parameter counts. */
    static final class Radam implements GradientTransformation {
        private final double beta1;
        private final double beta2;
        private final float eps;

        Radam(double beta1, double beta2, double eps) {
            this.beta1 = Check.beta("scaleByRadam", "beta1", beta1);
            this.beta2 = Check.beta("scaleByRadam", "beta2", beta2);
            this.eps = (float) Check.positive("scaleByRadam", "eps", eps);
        }

        @Override
        public String name() {
            return "radam";
        }

        @Override
        public OptState init(Params params) {
            return new SlotState(this, params, true, new String[] {"m", "v"});
        }

        @Override
        public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            SlotState s = SlotState.of(state, this, params);
            float b1 = (float) beta1;
            float c1 = (float) (1 - beta1);
            float b2 = (float) beta2;
            float c2 = (float) (1 - beta2);
            float e = eps;
            double rhoInf = 2 / (1 - beta2) - 1;
            float[] u = updates.buffer();
            for (int i = updates.nextActive(params, 0), end; i < params.count(); i = updates.nextActive(params, end)) {
                end = updates.runEnd(params, i, s.counts);
                long t = s.advance(i, end);
                int o = params.offset(i);
                int len = params.extent(i, end);
                double bc1 = 1 - Math.pow(beta1, t);
                double bc2 = 1 - Math.pow(beta2, t);
                double rhoT = rhoInf - 2 * t * Math.pow(beta2, t) / bc2;
                float stepScale = (float) (1 / bc1);
                float[] m = s.slots[0];
                float[] v = s.slots[1];
                // PyTorch's threshold: rectify only once the variance estimate is tractable (rho_t > 5)
                if (rhoT > 5) {
                    float scale = (float) (Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf
                            / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) * Math.sqrt(bc2) / bc1);
                    for (int j = 0; j < len; j++) {
                        float g = u[o + j];
                        float mj = b1 * m[o + j] + c1 * g;
                        float vj = b2 * v[o + j] + c2 * g * g;
                        m[o + j] = mj;
                        v[o + j] = vj;
                        u[o + j] = mj * scale / ((float) Math.sqrt(vj) + e);
                    }
                } else {
                    for (int j = 0; j < len; j++) {
                        float g = u[o + j];
                        float mj = b1 * m[o + j] + c1 * g;
                        m[o + j] = mj;
                        v[o + j] = b2 * v[o + j] + c2 * g * g;
                        u[o + j] = mj * stepScale;
                    }
                }
            }
            return s;
        }
    }

    /** {@link Transforms#scaleByLion}. Slot m; no counts (Lion has no bias correction). */
    static final class Lion implements GradientTransformation {
        private final double beta1;
        private final double beta2;

        Lion(double beta1, double beta2) {
            this.beta1 = Check.beta("scaleByLion", "beta1", beta1);
            this.beta2 = Check.beta("scaleByLion", "beta2", beta2);
        }

        @Override
        public String name() {
            return "lion";
        }

        @Override
        public OptState init(Params params) {
            return new SlotState(this, params, false, new String[] {"m"});
        }

        @Override
        public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            SlotState s = SlotState.of(state, this, params);
            float b1 = (float) beta1;
            float c1 = (float) (1 - beta1);
            float b2 = (float) beta2;
            float c2 = (float) (1 - beta2);
            float[] u = updates.buffer();
            float[] m = s.slots[0];
            for (int i = updates.nextActive(params, 0), end; i < params.count(); i = updates.nextActive(params, end)) {
                end = updates.runEnd(params, i, null);
                int o = params.offset(i);
                int len = params.extent(i, end);
                for (int j = 0; j < len; j++) {
                    float g = u[o + j];
                    float mj = m[o + j];
                    u[o + j] = Math.signum(b1 * mj + c1 * g);
                    m[o + j] = b2 * mj + c2 * g;
                }
            }
            return s;
        }
    }
}
