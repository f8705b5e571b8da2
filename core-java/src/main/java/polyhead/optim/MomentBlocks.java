package polyhead.optim;

/**
 * Preconditioners built on a first-moment average of the gradient: Adam (with AMSGrad), Adamax, NAdam, RAdam and
 * Lion. The math, papers and PyTorch deviations are documented on their factories in {@link Transforms}.
 *
 * <p>Every loop here works on the active parameters only and advances a parameter's moments and step count only when
 * it is active. Element arithmetic is float32; per-parameter coefficients (bias corrections) are computed in double.
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
            float[] u = updates.data();
            float[] m = s.slot(0);
            float[] v = s.slot(1);
            float[] vMax = amsgrad ? s.slot(2) : null;
            float b1 = (float) beta1;
            float c1 = (float) (1 - beta1);
            float b2 = (float) beta2;
            float c2 = (float) (1 - beta2);
            for (int i = 0, n = params.count(); i < n; i++) {
                if (!updates.isActive(params.index(i))) {
                    continue;
                }
                long t = ++s.counts[i];
                float stepScale = (float) (1 / (1 - Math.pow(beta1, t)));
                float invSqrtBc2 = (float) (1 / Math.sqrt(1 - Math.pow(beta2, t)));
                int uo = params.updateOffset(i);
                int so = params.offset(i);
                int len = params.size(i);
                for (int j = 0; j < len; j++) {
                    float g = u[uo + j];
                    float mj = b1 * m[so + j] + c1 * g;
                    float vj = b2 * v[so + j] + c2 * g * g;
                    m[so + j] = mj;
                    v[so + j] = vj;
                    if (vMax != null) {
                        vj = Math.max(vMax[so + j], vj);
                        vMax[so + j] = vj;
                    }
                    u[uo + j] = mj * stepScale / ((float) Math.sqrt(vj) * invSqrtBc2 + eps);
                }
            }
            return s;
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
            float[] u = updates.data();
            float[] m = s.slot(0);
            float[] inf = s.slot(1);
            float b1 = (float) beta1;
            float c1 = (float) (1 - beta1);
            float b2 = (float) beta2;
            for (int i = 0, n = params.count(); i < n; i++) {
                if (!updates.isActive(params.index(i))) {
                    continue;
                }
                long t = ++s.counts[i];
                float stepScale = (float) (1 / (1 - Math.pow(beta1, t)));
                int uo = params.updateOffset(i);
                int so = params.offset(i);
                int len = params.size(i);
                for (int j = 0; j < len; j++) {
                    float g = u[uo + j];
                    float mj = b1 * m[so + j] + c1 * g;
                    float nj = Math.max(b2 * inf[so + j], Math.abs(g) + eps);
                    m[so + j] = mj;
                    inf[so + j] = nj;
                    u[uo + j] = mj / nj * stepScale;
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
            java.util.Arrays.fill(s.values[0], 1.0);
            return s;
        }

        private double mu(long t) {
            return beta1 * (1 - 0.5 * Math.pow(0.96, t * momentumDecay));
        }

        @Override
        public OptState update(Updates updates, OptState state, Params params, StepContext ctx) {
            SlotState s = SlotState.of(state, this, params);
            float[] u = updates.data();
            float[] m = s.slot(0);
            float[] v = s.slot(1);
            double[] muProduct = s.values[0];
            float b1 = (float) beta1;
            float c1 = (float) (1 - beta1);
            float b2 = (float) beta2;
            float c2 = (float) (1 - beta2);
            for (int i = 0, n = params.count(); i < n; i++) {
                if (!updates.isActive(params.index(i))) {
                    continue;
                }
                long t = ++s.counts[i];
                float invBc2 = (float) (1 / (1 - Math.pow(beta2, t)));
                double mu = mu(t);
                double muNext = mu(t + 1);
                muProduct[i] *= mu;
                float gradCoef = (float) ((1 - mu) / (1 - muProduct[i]));
                float momentCoef = (float) (muNext / (1 - muProduct[i] * muNext));
                int uo = params.updateOffset(i);
                int so = params.offset(i);
                int len = params.size(i);
                for (int j = 0; j < len; j++) {
                    float g = u[uo + j];
                    float mj = b1 * m[so + j] + c1 * g;
                    float vj = b2 * v[so + j] + c2 * g * g;
                    m[so + j] = mj;
                    v[so + j] = vj;
                    float denom = (float) Math.sqrt(vj * invBc2) + eps;
                    u[uo + j] = (gradCoef * g + momentCoef * mj) / denom;
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
            float[] u = updates.data();
            float[] m = s.slot(0);
            float[] v = s.slot(1);
            float b1 = (float) beta1;
            float c1 = (float) (1 - beta1);
            float b2 = (float) beta2;
            float c2 = (float) (1 - beta2);
            double rhoInf = 2 / (1 - beta2) - 1;
            for (int i = 0, n = params.count(); i < n; i++) {
                if (!updates.isActive(params.index(i))) {
                    continue;
                }
                long t = ++s.counts[i];
                double bc1 = 1 - Math.pow(beta1, t);
                double bc2 = 1 - Math.pow(beta2, t);
                double rhoT = rhoInf - 2 * t * Math.pow(beta2, t) / bc2;
                // PyTorch's threshold: rectify only once the variance estimate is tractable (rho_t > 5)
                boolean rectify = rhoT > 5;
                float stepScale = (float) (1 / bc1);
                float rect = rectify ? (float) Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf
                        / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0f;
                float sqrtBc2 = (float) Math.sqrt(bc2);
                int uo = params.updateOffset(i);
                int so = params.offset(i);
                int len = params.size(i);
                for (int j = 0; j < len; j++) {
                    float g = u[uo + j];
                    float mj = b1 * m[so + j] + c1 * g;
                    float vj = b2 * v[so + j] + c2 * g * g;
                    m[so + j] = mj;
                    v[so + j] = vj;
                    float mHat = mj * stepScale;
                    u[uo + j] = rectify ? mHat * rect * sqrtBc2 / ((float) Math.sqrt(vj) + eps) : mHat;
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
            float[] u = updates.data();
            float[] m = s.slot(0);
            float b1 = (float) beta1;
            float c1 = (float) (1 - beta1);
            float b2 = (float) beta2;
            float c2 = (float) (1 - beta2);
            for (int i = 0, n = params.count(); i < n; i++) {
                if (!updates.isActive(params.index(i))) {
                    continue;
                }
                int uo = params.updateOffset(i);
                int so = params.offset(i);
                int len = params.size(i);
                for (int j = 0; j < len; j++) {
                    float g = u[uo + j];
                    float mj = m[so + j];
                    u[uo + j] = Math.signum(b1 * mj + c1 * g);
                    m[so + j] = b2 * mj + c2 * g;
                }
            }
            return s;
        }
    }
}
