package polyhead.optim.schedule;

/** {@link Schedules#cosineWarmRestarts}. */
record CosineWarmRestarts(double lr, int t0, int tMult, double etaMin) implements Schedule {
    CosineWarmRestarts {
        Arguments.nonNegative("cosineWarmRestarts", "lr", lr);
        Arguments.positive("cosineWarmRestarts", "t0", t0);
        Arguments.atLeastOne("cosineWarmRestarts", "tMult", tMult);
        Arguments.nonNegative("cosineWarmRestarts", "etaMin", etaMin);
    }

    @Override
    public double valueAt(long step) {
        long tCur = Arguments.step(step);
        long tI = t0;
        if (tMult == 1) {
            tCur %= t0;
        } else {
            // At most ~63 rounds: the period grows geometrically. Saturating keeps tI > tCur once it no longer fits.
            while (tCur >= tI) {
                tCur -= tI;
                tI = tI > Long.MAX_VALUE / tMult ? Long.MAX_VALUE : tI * tMult;
            }
        }
        return etaMin + (lr - etaMin) * (1 + Math.cos(Math.PI * tCur / tI)) / 2;
    }
}
