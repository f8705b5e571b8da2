package polyhead.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.checkpoint.CheckpointException;
import polyhead.nn.Activation;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.Sequential;
import polyhead.tensor.Tensor;
import polyhead.io.Safetensors;
import polyhead.io.SafetensorsTest;

class WeightImportTest {
    @TempDir
    Path dir;

    static Module model(long seed) {
        Random rng = new Random(seed);
        return new Sequential(new Linear(3, 4, rng), Activation.relu(), new Linear(4, 2, rng));
    }

    /** A PyTorch-style state dict of the same network under other names. */
    static Map<String, Tensor> foreign(long seed) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        model(seed).stateDict().forEach((k, v) -> m.put("encoder.layers." + k, v.copy()));
        m.put("encoder.num_batches_tracked", Tensor.scalar(3));
        return m;
    }

    static String fault(Runnable r) {
        return assertThrows(CheckpointException.class, r::run).getMessage();
    }

    @Test
    void exportThenImportRoundTrips() {
        Module a = model(1);
        Path f = dir.resolve("a.safetensors");
        WeightImport.export(a, f);
        assertEquals(Map.of("format", "pt"), Safetensors.read(f).metadata());
        Module b = model(2);
        WeightImport.Report r = WeightImport.apply(b, f, WeightImport.sameNames(), true);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), r.loaded());
        SafetensorsTest.assertBitEqual(a.stateDict(), b.stateDict());
    }

    @Test
    void namesAreMappedAndUnwantedTensorsDropped() {
        Module m = model(2);
        WeightImport.Report r = WeightImport.apply(m, foreign(1), name -> name.startsWith("encoder.layers.")
                ? name.substring("encoder.layers.".length()) : null, true);
        assertEquals(List.of("encoder.num_batches_tracked"), r.unused());
        assertEquals(List.of(), r.notLoaded());
        SafetensorsTest.assertBitEqual(model(1).stateDict(), m.stateDict());
        // the same with a helper, leniently: the unknown name is reported, not loaded
        Module n = model(3);
        WeightImport.Report lenient = WeightImport.apply(n, foreign(1),
                WeightImport.replacePrefix("encoder.layers.", ""), false);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), lenient.loaded());
        assertEquals(List.of("encoder.num_batches_tracked"), lenient.unused());
        SafetensorsTest.assertBitEqual(model(1).stateDict(), n.stateDict());
        assertEquals("2.weight", WeightImport.rename(Map.of("fc.weight", "2.weight")).apply("fc.weight"));
        assertEquals("other", WeightImport.rename(Map.of("fc.weight", "2.weight")).apply("other"));
    }

    @Test
    void strictImportNamesWhatIsMissingAndWhatIsUnknown() {
        Module m = model(2);
        Map<String, Tensor> before = SafetensorsTest.copyOf(m.stateDict());
        String msg = fault(() -> WeightImport.apply(m, foreign(1), WeightImport.replacePrefix("encoder.layers.", ""),
                true, "pt.safetensors"));
        assertEquals("pt.safetensors: strict import: the module has no 'encoder.num_batches_tracked'", msg);
        Map<String, Tensor> partial = new LinkedHashMap<>(model(1).stateDict());
        partial.remove("2.bias");
        msg = fault(() -> WeightImport.apply(m, partial, WeightImport.sameNames(), true, "p"));
        assertEquals("p: strict import: no value for the module's '2.bias' [2]", msg);
        SafetensorsTest.assertBitEqual(before, m.stateDict());
        // lenient: loads what fits and reports the rest
        WeightImport.Report r = WeightImport.apply(m, partial, WeightImport.sameNames(), false, "p");
        assertEquals(List.of("2.bias"), r.notLoaded());
        assertEquals(before.get("2.bias").data()[1], m.stateDict().get("2.bias").data()[1]);
    }

    @Test
    void shapeMismatchesNameTheTensorAndBothShapes() {
        Module m = model(2);
        Map<String, Tensor> before = SafetensorsTest.copyOf(m.stateDict());
        Map<String, Tensor> src = foreign(1);
        src.put("encoder.layers.2.weight", Tensor.zeros(4, 2));
        String msg = fault(() -> WeightImport.apply(m, src, WeightImport.replacePrefix("encoder.layers.", ""), false,
                "pt.safetensors"));
        assertEquals("pt.safetensors: shapes differ: 'encoder.layers.2.weight' (for '2.weight') has shape [4, 2] but"
                + " the module's is [2, 4]", msg);
        SafetensorsTest.assertBitEqual(before, m.stateDict());
    }

    @Test
    void twoTensorsForOneEntryAreRefused() {
        Map<String, Tensor> src = new LinkedHashMap<>();
        src.put("a", Tensor.zeros(2));
        src.put("b", Tensor.zeros(2));
        String msg = fault(() -> WeightImport.apply(model(1), src, name -> "2.bias", false, "x"));
        assertEquals("x: 'a' and 'b' both map to the module's '2.bias'", msg);
    }

    @Test
    void importsThePythonLibrarysFileByMapping() {
        // trunk.0.weight [2, 5] and trunk.0.bias [3] of the fixture do not fit Linear(5, 2): the error says so
        Module m = new Sequential(new Linear(5, 2, new Random(1)));
        String msg = fault(() -> WeightImport.apply(m, SafetensorsTest.REFERENCE.resolve(
                "safetensors_mixed.safetensors"), name -> name.startsWith("trunk.") ? name.substring(6) : null,
                true));
        assertEquals(SafetensorsTest.REFERENCE.resolve("safetensors_mixed.safetensors")
                + ": shapes differ: 'trunk.0.bias' (for '0.bias') has shape [3] but the module's is [2]", msg);
    }
}
