package polyhead.autodiff.ops;

/**
 * The error function in double precision, which {@code java.lang.Math} lacks. Maclaurin series for |x| ≤ 2
 * (terms stay small, so cancellation costs at most one digit) and a 60-term continued fraction of erfc
 * (Abramowitz &amp; Stegun 7.1.14) above, which is exact to double precision from 2 on; |erf(x) − 1| &lt; 10⁻¹⁷
 * beyond 6. Checked against tabulated values to 1e-15.
 */
final class Erf {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private Erf() {
    }

    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax > 6) {
            return Math.copySign(1, x);
        }
        if (ax <= 2) {
            // erf(x) = 2/√π Σ (−1)ⁿ x²ⁿ⁺¹ / (n! (2n+1))
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return TWO_OVER_SQRT_PI * sum;
        }
        // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated bottom-up
        double f = ax;
        for (int n = 60; n >= 1; n--) {
            f = ax + (n / 2.0) / f;
        }
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        return Math.copySign(1 - erfc, x);
    }
}
