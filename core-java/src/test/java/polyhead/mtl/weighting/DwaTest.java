package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.Var;
import polyhead.tensor.Tensor;

/** Dynamic weight average (Liu, Johns &amp; Davison, 2019) over epochs, by hand, T = 2. */
class DwaTest {
    @Test
    void weightsOverThreeEpochsByHand() {
        Dwa dwa = Weightings.dwa();
        List<String> ab = List.of("a", "b");
        // epochs 0 and 1: equal weights
        Grads.assertVector(new double[] {1, 1}, dwa.weights(ab), 0, "epoch 0");
        dwa.epochEnd(0, Map.of("a", 2.0, "b", 1.0));
        Grads.assertVector(new double[] {1, 1}, dwa.weights(ab), 0, "epoch 1");
        dwa.epochEnd(1, Map.of("a", 1.0, "b", 0.9));
        // epoch 2: r = (1/2, 0.9/1) = (0.5, 0.9); r/T = (0.25, 0.45); λ = 2·e^{r/T}/Σ
        //   = 2·(1.284025, 1.568312)/2.852338 ≈ (0.900332, 1.099668): the task that improved less weighs more
        double[] epoch2 = dwa.weights(ab);
        Grads.assertVector(new double[] {2 / (1 + Math.exp(0.2)), 2 / (1 + Math.exp(-0.2))}, epoch2, 1e-6, "epoch 2");
        Grads.assertVector(new double[] {0.900332, 1.099668}, epoch2, 1e-6, "epoch 2, numerically");
        dwa.epochEnd(2, Map.of("a", 0.8, "b", 0.6));
        // epoch 3: r = (0.8/1.0, 0.6/0.9) = (0.8, 0.666667); r/T = (0.4, 0.333333)
        //   λ = 2·(1.491825, 1.395612)/2.887437 ≈ (1.033321, 0.966679)
        double[] epoch3 = dwa.weights(ab);
        double za = 0.8 / 2;
        double zb = (0.6f / 0.9f) / 2; // epoch means are kept as float
        Grads.assertVector(new double[] {2 / (1 + Math.exp(zb - za)), 2 / (1 + Math.exp(za - zb))}, epoch3, 1e-6,
                "epoch 3");
        Grads.assertVector(new double[] {1.033321, 0.966679}, epoch3, 1e-6, "epoch 3, numerically");

        Map<String, Var> losses = new LinkedHashMap<>();
        losses.put("a", Var.constant(Tensor.scalar(3f)));
        losses.put("b", Var.constant(Tensor.scalar(5f)));
        assertEquals(epoch3[0] * 3 + epoch3[1] * 5, dwa.combine(losses, Grads.ctx(0)).value().item(), 1e-5);
    }

    @Test
    void weightsSumToTheNumberOfTasksPresentAndUnknownHistoryCountsAsRatioOne() {
        Dwa dwa = Weightings.dwa();
        dwa.epochEnd(0, Map.of("a", 1.0, "b", 1.0));
        dwa.epochEnd(1, Map.of("a", 0.5, "b", 2.0));
        // c has no history: r_c = 1; r = (0.5, 2, 1)
        double[] w = dwa.weights(List.of("a", "b", "c"));
        double sum = Math.exp(0.25) + Math.exp(1) + Math.exp(0.5);
        Grads.assertVector(new double[] {3 * Math.exp(0.25) / sum, 3 * Math.exp(1) / sum, 3 * Math.exp(0.5) / sum},
                w, 1e-12, "K = 3");
    }

    @Test
    void aHighTemperatureFlattensTheWeights() {
        Dwa hot = Weightings.dwa(1000);
        hot.epochEnd(0, Map.of("a", 1.0, "b", 1.0));
        hot.epochEnd(1, Map.of("a", 0.1, "b", 3.0));
        double[] w = hot.weights(List.of("a", "b"));
        assertEquals(1, w[0], 2e-3);
        assertEquals(1, w[1], 2e-3);
    }
}
