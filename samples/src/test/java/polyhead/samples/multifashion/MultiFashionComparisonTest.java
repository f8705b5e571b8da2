package polyhead.samples.multifashion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import polyhead.datasets.MultiFashion;
import polyhead.train.GradientSource;

class MultiFashionComparisonTest {
    /** Baselines and all six methods, a few steps each on small 28×28 canvases: above chance (0.1), finite Δm. */
    @Test
    void baselinesAndEveryMethodLearnAboveChance() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        MultiFashionComparison.Result r = MultiFashionComparison.run(new MultiFashionComparison.Cli().parse(new String[] {"--data", "data/fashion-mnist", "--recipe",
                        "sener-koltun", "--train-size", "960", "--test-size", "300", "--epochs", "2", "--batch-size",
                        "16", "--gradients", "representation", "--seed", "5", "--train-accuracy"}),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(MultiFashionComparison.METHODS, r.methods().stream().map(MultiFashionComparison.Run::method).toList());
        for (MultiFashionComparison.Run run : concat(r)) {
            run.accuracy().forEach((k, v) -> assertTrue(v > 0.15, run + ""));
            // accuracy on the training images (what Lin et al.'s script records), for the same tasks
            assertEquals(run.accuracy().keySet(), run.trainAccuracy().keySet(), run + "");
            run.trainAccuracy().forEach((k, v) -> assertTrue(v > 0.15 && v <= 1, run + ""));
        }
        r.deltaM().forEach((m, d) -> assertTrue(Double.isFinite(d), m + " " + d));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("Sener & Koltun recipe") && out.contains("seed 5"), out);
        assertTrue(out.contains("positive = worse than single-task"), out);
        assertTrue(out.contains("left train acc") && out.contains("on the training images: left.accuracy"), out);
    }

    @Test
    void fullSetsThePublishedRecipeUnlessOverridden() {
        MultiFashionComparison.Options o = new MultiFashionComparison.Cli().parse(new String[] {"--full", "--epochs", "7"});
        assertEquals(MultiFashion.Recipe.PARETO_MTL.trainSize(), o.trainSize());
        assertEquals(20_000, o.testSize());
        assertEquals(7, o.epochs());
        assertEquals("sgd", o.optimizer());
        assertEquals(256, o.batchSize());
        assertEquals(GradientSource.PARAMETERS, o.gradients());
        assertTrue(o.trainAccuracy(), "the published protocol records accuracy on the training images");
        assertFalse(new MultiFashionComparison.Cli().parse(new String[] {}).trainAccuracy());
    }

    private static List<MultiFashionComparison.Run> concat(MultiFashionComparison.Result r) {
        List<MultiFashionComparison.Run> all = new java.util.ArrayList<>(List.of(r.left(), r.right()));
        all.addAll(r.methods());
        return all;
    }
}
