package polyhead.samples.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.metrics.DeltaM;

class ResultsTableTest {
    /**
     * A tiny table (MMoE data at one correlation, 2 seeds, 2 epochs): one row per model, each model's Δm per seed
     * recomputed from its metrics and the single-task row's, and the Markdown written whole.
     */
    @Test
    void tinyTableHasOneRowPerModelAndDeltaMAgainstTheSingleTaskModelsOfEachSeed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("table.md");
        ResultsTable.Options o = new ResultsTable.Cli().parse("--datasets", "mmoe", "--rhos", "0.5", "--seeds", "2",
                "--weightings", "equal,pcGrad,gradDrop", "--architectures", "hardSharing,mmoe,mtan",
                "--mmoe-train-size", "400", "--mmoe-epochs", "2", "--out", file.toString());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Map<String, List<ResultsTable.Row>> all = ResultsTable.run(o, new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertEquals(1, all.size());
        List<ResultsTable.Row> rows = all.values().iterator().next();
        // hard sharing with equal weighting is one row, not two
        assertEquals(List.of("single-task (2 models)", "equal (hardSharing)", "pcGrad", "gradDrop", "mmoe (equal)",
                "mtan (equal)"), rows.stream().map(ResultsTable.Row::model).toList());
        ResultsTable.Row single = rows.get(0);
        for (ResultsTable.Row r : rows.subList(1, rows.size())) {
            for (int s = 0; s < 2; s++) {
                int seed = s;
                Map<String, Double> m = Map.of("y1", r.metric().get("y1")[s], "y2", r.metric().get("y2")[s]);
                Map<String, Double> b = Map.of("y1", single.metric().get("y1")[seed], "y2", single.metric().get("y2")[seed]);
                assertEquals(DeltaM.compute(m, b, Map.of("y1", true, "y2", true)), r.deltaM()[s], 1e-12, r.model());
                assertTrue(m.values().stream().allMatch(v -> v <= 1 && Double.isFinite(v)), r.model() + " " + m);
            }
            assertTrue(r.parameters() > 0 && r.secondsPerEpoch() > 0, r.toString());
        }
        // the mixture of 8 experts has more parameters than hard sharing, as the table must show
        assertTrue(rows.get(4).parameters() > rows.get(1).parameters());
        String md = Files.readString(file);
        assertTrue(md.startsWith("### MMoE synthetic, rho 0.50"), md);
        assertEquals(6, md.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| model")).count(), md);
        assertTrue(md.contains("| y1 R² | y2 R² | Δm % | s/epoch |") && md.contains(" ± "), md);
        // a tiny run's epochs take well under a second: written with three decimals, not rounded to 0.0
        assertTrue(md.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| model"))
                .allMatch(l -> l.matches(".*\\| 0\\.\\d{3} \\|$")), md);
        assertFalse(Files.list(dir).anyMatch(p -> p.getFileName().toString().startsWith(".results")));
    }

    /** Every architecture builds and trains on Multi-Fashion's convolutional trunk (one seed, a few steps). */
    @Test
    void everyArchitectureTrainsOnMultiFashion() {
        ResultsTable.Options o = new ResultsTable.Cli().parse("--datasets", "multiFashion", "--data", "data/fashion-mnist",
                "--seeds", "1", "--weightings", "equal", "--mf-train-size", "64", "--mf-test-size", "64",
                "--mf-epochs", "1");
        Map<String, List<ResultsTable.Row>> all = ResultsTable.run(o, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        // the title says which Fashion-MNIST the canvases were drawn from: the full set and the subset differ
        String title = all.keySet().iterator().next();
        assertTrue(title.endsWith("; Fashion-MNIST subset shipped with the repository, data/fashion-mnist)"), title);
        List<ResultsTable.Row> rows = all.values().iterator().next();
        assertEquals(1 + ResultsTable.ARCHITECTURES.size(), rows.size());
        for (ResultsTable.Row r : rows) {
            for (double[] acc : r.metric().values()) {
                assertTrue(acc[0] >= 0 && acc[0] <= 1, r.toString());
            }
            assertTrue(Double.isFinite(r.deltaM()[0]), r.toString());
        }
    }

    /**
     * The variants are taken by name and left out of {@code all}; each trains with its own settings, so its metrics
     * differ from those of the default settings on the same seed.
     */
    @Test
    void variantsAreTakenByNameAndTrainWithTheirOwnSettings() {
        ResultsTable.Options every = new ResultsTable.Cli().parse("--datasets", "mmoe");
        assertTrue(every.weightings().contains("dbMtl") && every.weightings().stream().noneMatch(w -> w.contains("-")),
                every.weightings().toString());
        ResultsTable.Options o = new ResultsTable.Cli().parse("--datasets", "mmoe", "--rhos", "0.5", "--seeds", "1",
                "--weightings", "dbMtl,dbMtl-beta0,moCo,moCo-beta1,moCo-sigma0", "--architectures", "hardSharing",
                "--mmoe-train-size", "400", "--mmoe-epochs", "2");
        List<ResultsTable.Row> rows = ResultsTable.run(o, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).values().iterator().next();
        assertEquals(List.of("single-task (2 models)", "dbMtl", "dbMtl-beta0", "moCo", "moCo-beta1", "moCo-sigma0",
                "equal (hardSharing)"), rows.stream().map(ResultsTable.Row::model).toList());
        double[] y1 = rows.stream().mapToDouble(r -> r.metric().get("y1")[0]).toArray();
        assertNotEquals(y1[1], y1[2]);
        assertNotEquals(y1[3], y1[4]);
        assertNotEquals(y1[3], y1[5]);
        assertNotEquals(y1[4], y1[5]);
    }

    @Test
    void unknownNamesAreOneLineErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ResultsTable.Cli().parse("--weightings", "equal,nope"));
        assertTrue(e.getMessage().contains("--weightings") && e.getMessage().contains("nope"), e.getMessage());
        assertEquals(24, ResultsTable.WEIGHTINGS.size());
    }
}
