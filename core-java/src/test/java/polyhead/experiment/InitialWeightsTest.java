package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.autodiff.GradMode;
import polyhead.autodiff.Var;
import polyhead.checkpoint.WeightImport;
import polyhead.io.Safetensors;
import polyhead.loss.Losses;
import polyhead.mtl.arch.Architecture;
import polyhead.optim.Optimizers.Adam;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * Initial weights from a safetensors file written by PyTorch ({@code reference/generate_init_reference.py}): once
 * imported under the renaming rules, the model's outputs are PyTorch's to 1e-6; every fault is one line naming the
 * file and the tensor.
 */
class InitialWeightsTest {
    private static final Map<String, Object> FX = Fixtures.load("/reference/pytorch_init.json");
    private static final Map<String, String> MAP = Map.of("encoder.*", "trunk.*", "head_a.*", "heads.a.*",
            "head_b.*", "heads.b.*");

    @TempDir
    Path dir;

    static Path file() {
        try {
            return Path.of(InitialWeightsTest.class.getResource("/reference/pytorch_init.safetensors").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ExperimentBuilder builder(InitialWeights w) {
        return new ExperimentBuilder().input(5)
                .trunk(Layers.dense(8), Layers.relu(), Layers.dense(6), Layers.relu())
                .task(TaskPlan.named("a").head(Layers.dense(3)).loss(Losses.crossEntropy()))
                .task(TaskPlan.named("b").head(Layers.dense(2)).loss(Losses.crossEntropy()))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.01))))
                .initialWeights(w);
    }

    @SuppressWarnings("unchecked")
    private static float[][] matrix(String key) {
        List<List<Double>> rows = (List<List<Double>>) FX.get(key);
        float[][] m = new float[rows.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new float[rows.get(i).size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = rows.get(i).get(j).floatValue();
            }
        }
        return m;
    }

    private static Tensor tensor(float[][] m) {
        float[] flat = new float[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, flat, i * m[0].length, m[0].length);
        }
        return Tensor.of(flat, m.length, m[0].length);
    }

    @Test
    void aPyTorchModelsWeightsImportedUnderTheRulesGiveItsOutputsTo1e6() {
        Architecture arch = builder(InitialWeights.from(file()).map(MAP)).build().architecture();
        Map<String, Var> out;
        try (GradMode.Scope s = GradMode.noGrad()) {
            out = arch.outputs(Var.constant(tensor(matrix("input"))));
        }
        for (String task : List.of("a", "b")) {
            float[][] expected = matrix(task);
            float[] got = out.get(task).value().data();
            double scale = 0;
            for (float[] row : expected) {
                for (float v : row) {
                    scale = Math.max(scale, Math.abs(v));
                }
            }
            for (int i = 0; i < expected.length; i++) {
                for (int j = 0; j < expected[i].length; j++) {
                    double b = expected[i][j];
                    assertEquals(b, got[i * expected[i].length + j], 1e-6 * (Math.abs(b) + scale), task + "[" + i
                            + "][" + j + "]");
                }
            }
        }
        // the import is not the seeded draw: without it the outputs differ
        Architecture seeded = builder(null).build().architecture();
        assertFalse(java.util.Arrays.equals(seeded.stateDict().get("trunk.0.weight").data(),
                arch.stateDict().get("trunk.0.weight").data()));
    }

    @Test
    void theRecordedHashIsChecked() {
        String sha = WeightImport.sha256(file());
        assertTrue(sha.matches("[0-9a-f]{64}"));
        builder(InitialWeights.from(file()).map(MAP).sha256(sha)).build();
        String other = "0".repeat(64);
        String m = assertThrows(IllegalArgumentException.class,
                () -> builder(InitialWeights.from(file()).map(MAP).sha256(other)).build()).getMessage();
        assertEquals("initialWeights: " + file() + ": SHA-256 is " + sha + ", initialWeights.sha256 expects " + other
                + " (another file than the run's)", m);
        m = assertThrows(IllegalArgumentException.class,
                () -> builder(InitialWeights.from(file()).map(MAP).sha256("abc")).build()).getMessage();
        assertTrue(m.contains("initialWeights.sha256: 64 lower-case hex digits, got 'abc'"), m);
    }

    @Test
    void eachFaultIsOneLineNamingTheTensor() {
        // the file's names are not the model's: strict import names what is missing and what has no place
        String m = fault(InitialWeights.from(file()));
        assertTrue(m.startsWith("initialWeights: " + file() + ": strict import: no value for the module's 'trunk.0.weight' [8, 5]"),
                m);
        assertTrue(m.contains("the module has no 'encoder.0.weight'"), m);
        // a shape that differs, with both shapes
        Map<String, Tensor> t = new LinkedHashMap<>(Safetensors.load(file()));
        t.put("head_b.weight", Tensor.zeros(4, 6));
        Path wrong = dir.resolve("wrong.safetensors");
        Safetensors.write(wrong, t);
        m = fault(InitialWeights.from(wrong).map(MAP));
        assertEquals("initialWeights: " + wrong + ": shapes differ: 'head_b.weight' (for 'heads.b.weight') has shape [4, 6] "
                + "but the module's is [2, 6]", m);
        // an unmapped tensor under strict; lenient leaves it out
        t = new LinkedHashMap<>(Safetensors.load(file()));
        t.put("extra.weight", Tensor.zeros(2));
        Path extra = dir.resolve("extra.safetensors");
        Safetensors.write(extra, t);
        m = fault(InitialWeights.from(extra).map(MAP));
        assertTrue(m.endsWith("strict import: the module has no 'extra.weight'"), m);
        builder(InitialWeights.from(extra).map(MAP).strict(false)).build();
        // rules that match nothing or send a tensor nowhere, a malformed rule, a missing file
        assertTrue(fault(InitialWeights.from(file()).map(Map.of("decoder.*", "trunk.*")))
                .endsWith("initialWeights.map 'decoder.*' matches no tensor of the file"));
        assertTrue(fault(InitialWeights.from(file()).map(Map.of("head_a.weight", "heads.c.weight")))
                .endsWith("initialWeights.map sends 'head_a.weight' to 'heads.c.weight', which the model does not have"));
        assertTrue(fault(InitialWeights.from(file()).map(Map.of("head_a.*", "heads.a"))).contains("initialWeights.map: "
                + "'head_a.*' → 'heads.a': a prefix rule ends both names with '*'"));
        assertEquals("initialWeights: " + dir.resolve("none.safetensors") + ": no such file",
                fault(InitialWeights.from(dir.resolve("none.safetensors"))));
    }

    @Test
    void lenientImportLoadsWhatFitsAndLeavesTheRestSeeded() {
        Architecture seeded = builder(null).build().architecture();
        Architecture partly = builder(InitialWeights.from(file()).map(Map.of("encoder.*", "trunk.*")).strict(false))
                .build().architecture();
        Map<String, Tensor> torch = Safetensors.load(file());
        assertArrayEquals(torch.get("encoder.2.weight").data(), partly.stateDict().get("trunk.2.weight").data());
        assertArrayEquals(seeded.stateDict().get("heads.a.weight").data(),
                partly.stateDict().get("heads.a.weight").data());
    }

    private static String fault(InitialWeights w) {
        String m = assertThrows(IllegalArgumentException.class, () -> builder(w).build()).getMessage();
        assertFalse(m.contains("\n"), m);
        return m;
    }
}
