package polyhead.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DeltaMTest {
    private static final double EPS = 1e-12;
    private static final Map<String, Boolean> HIGHER = Map.of("item.accuracy", true, "price.mse", false);
    private static final Map<String, Double> BASELINES = Map.of("item.accuracy", 0.75, "price.mse", 0.25);

    @Test
    void theJavadocExample() {
        // accuracy +6.67 % (better: −6.67), MSE +20 % (worse: +20) → (−6.67 + 20)/2
        double dm = DeltaM.compute(Map.of("item.accuracy", 0.80, "price.mse", 0.30), BASELINES, HIGHER);
        assertEquals(100 * (-(0.80 - 0.75) / 0.75 + (0.30 - 0.25) / 0.25) / 2, dm, EPS);
        assertEquals(20 / 3.0, dm, EPS);
    }

    @Test
    void positiveMeansWorseThanTheBaselines() {
        assertEquals(0.0, DeltaM.compute(BASELINES, BASELINES, HIGHER), EPS);
        assertTrue(DeltaM.compute(Map.of("item.accuracy", 0.70, "price.mse", 0.25), BASELINES, HIGHER) > 0);
        assertTrue(DeltaM.compute(Map.of("item.accuracy", 0.75, "price.mse", 0.30), BASELINES, HIGHER) > 0);
        assertTrue(DeltaM.compute(Map.of("item.accuracy", 0.80, "price.mse", 0.25), BASELINES, HIGHER) < 0);
        assertTrue(DeltaM.compute(Map.of("item.accuracy", 0.75, "price.mse", 0.20), BASELINES, HIGHER) < 0);
        assertEquals(false, DeltaM.HIGHER_IS_BETTER);
    }

    @Test
    void matchesNashMtlsDeltaFunctionOnCagradsNyuV2Baselines() {
        // Navon et al.'s delta_fn: mean of (−1)^sign·(a − base)/base·100 over the 9 NYUv2 metrics, with the
        // single-task baselines CAGrad reports; the values a are made up
        String[] names = {"miou", "pixacc", "abs", "rel", "mean", "median", "11.25", "22.5", "30"};
        double[] base = {0.3830, 0.6376, 0.6754, 0.2780, 25.01, 19.21, 0.3014, 0.5720, 0.6915};
        boolean[] higher = {true, true, false, false, false, false, true, true, true};
        double[] a = {0.39, 0.65, 0.55, 0.22, 25.5, 19.0, 0.29, 0.56, 0.70};
        Map<String, Double> metrics = new HashMap<>();
        Map<String, Double> baselines = new HashMap<>();
        Map<String, Boolean> directions = new HashMap<>();
        double expected = 0;
        for (int k = 0; k < 9; k++) {
            metrics.put(names[k], a[k]);
            baselines.put(names[k], base[k]);
            directions.put(names[k], higher[k]);
            expected += (higher[k] ? -1 : 1) * (a[k] - base[k]) / base[k];
        }
        assertEquals(expected / 9 * 100, DeltaM.compute(metrics, baselines, directions), EPS);
    }

    @Test
    void extraBaselinesAreIgnoredAndNaNPropagates() {
        Map<String, Double> baselines = new LinkedHashMap<>(BASELINES);
        baselines.put("other.auc", 0.9);
        assertEquals(-100 * 0.05 / 0.75, DeltaM.compute(Map.of("item.accuracy", 0.80), baselines, HIGHER), EPS);
        assertTrue(Double.isNaN(DeltaM.compute(Map.of("item.accuracy", Double.NaN), BASELINES, HIGHER)));
    }

    @Test
    void errors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeltaM.compute(Map.of(), BASELINES, HIGHER));
        assertEquals("delta_m: no metrics given", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DeltaM.compute(Map.of("item.acc", 0.8), BASELINES, HIGHER));
        assertEquals("delta_m: no single-task baseline for metric item.acc; baselines are given for "
                + "[item.accuracy, price.mse]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> DeltaM.compute(Map.of("item.accuracy", 0.8), BASELINES, Map.of()));
        assertEquals("delta_m: higherIsBetter has no entry for metric item.accuracy", e.getMessage());
        for (double bad : new double[] {0, -0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            e = assertThrows(IllegalArgumentException.class,
                    () -> DeltaM.compute(Map.of("price.mse", 0.3), Map.of("price.mse", bad), HIGHER));
            assertEquals("delta_m: baseline of price.mse is " + bad + "; the relative change needs a finite, "
                    + "positive baseline", e.getMessage());
        }
    }
}
