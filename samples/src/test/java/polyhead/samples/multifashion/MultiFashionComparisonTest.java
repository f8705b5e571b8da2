package polyhead.samples.multifashion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /**
     * {@code --pixel-scale 255} feeds the same canvases with every pixel times 255 (train and test), keeps folders
     * made without it resumable (same identity at scale 1), and refuses a scale that is not positive in one line.
     */
    @Test
    void pixelScaleMultipliesEveryPixelOfTheSameCanvases() {
        String[] base = {"--data", "data/fashion-mnist", "--train-size", "50", "--test-size", "20"};
        MultiFashionComparison.Options one = new MultiFashionComparison.Cli().parse(base);
        String[] scaled = java.util.Arrays.copyOf(base, base.length + 2);
        scaled[base.length] = "--pixel-scale";
        scaled[base.length + 1] = "255";
        MultiFashionComparison.Options bytes = new MultiFashionComparison.Cli().parse(scaled);
        MultiFashion.Data a = MultiFashionComparison.load(one);
        MultiFashion.Data b = MultiFashionComparison.load(bytes);
        float[][] pairs = {a.train().inputs().data(), b.train().inputs().data(), a.test().inputs().data(),
                b.test().inputs().data()};
        for (int k = 0; k < 4; k += 2) {
            float max = 0;
            for (int i = 0; i < pairs[k].length; i++) {
                assertEquals(pairs[k][i] * 255f, pairs[k + 1][i], 0f);
                max = Math.max(max, pairs[k + 1][i]);
            }
            assertTrue(max > 200 && max <= 255, "largest scaled pixel " + max);
        }
        assertFalse(one.identity().contains("pixelScale"), one.identity());
        assertTrue(bytes.identity().endsWith(" pixelScale=255.0"), bytes.identity());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MultiFashionComparison.Cli()
                .parse(new String[] {"--pixel-scale", "0"}));
        assertTrue(e.getMessage().contains("--pixel-scale"), e.getMessage());
    }

    /**
     * With a work folder, a second start reads the finished models' results instead of training again, a model
     * stopped after its first epoch resumes from that checkpoint and ends as the uninterrupted run did, and a folder
     * made with other options is refused in one line.
     */
    @Test
    void aWorkFolderResumesStoppedModelsAndSkipsFinishedOnes(@TempDir Path dir) throws Exception {
        String[] args = {"--data", "data/fashion-mnist", "--recipe", "sener-koltun", "--train-size", "192",
                "--test-size", "96", "--epochs", "2", "--batch-size", "32", "--methods", "pcgrad", "--seed", "3",
                "--work-dir", dir.toString()};
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        MultiFashionComparison.Result first = MultiFashionComparison.run(new MultiFashionComparison.Cli().parse(args), quiet);
        assertTrue(Files.exists(dir.resolve("pcgrad").resolve(MultiFashionComparison.RESULT_FILE)));
        // stop pcgrad after its first epoch: drop its result and its last checkpoint
        Files.delete(dir.resolve("pcgrad").resolve(MultiFashionComparison.RESULT_FILE));
        Path checkpoints = dir.resolve("pcgrad").resolve("checkpoints");
        List<Path> saved;
        try (var l = Files.list(checkpoints)) {
            saved = l.filter(Files::isDirectory).sorted().toList();
        }
        assertEquals(2, saved.size(), saved.toString());
        polyhead.io.AtomicFiles.deleteTree(saved.get(1));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        MultiFashionComparison.Result again = MultiFashionComparison.run(new MultiFashionComparison.Cli().parse(args),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String log = buf.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("finished before") && log.contains("resuming after epoch 1"), log);
        assertEquals(first.left().accuracy(), again.left().accuracy());
        assertEquals(first.methods().get(0).accuracy(), again.methods().get(0).accuracy(), "resumed = uninterrupted");
        String[] other = args.clone();
        other[9] = "1"; // --epochs 1
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MultiFashionComparison.run(new MultiFashionComparison.Cli().parse(other), quiet));
        assertTrue(e.getMessage().startsWith("--work-dir " + dir + " holds models trained with other options"),
                e.getMessage());
    }

    private static List<MultiFashionComparison.Run> concat(MultiFashionComparison.Result r) {
        List<MultiFashionComparison.Run> all = new java.util.ArrayList<>(List.of(r.left(), r.right()));
        all.addAll(r.methods());
        return all;
    }
}
