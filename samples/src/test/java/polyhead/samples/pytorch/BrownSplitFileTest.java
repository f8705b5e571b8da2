package polyhead.samples.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import polyhead.datasets.Brown;
import polyhead.io.Json;

/**
 * The committed {@code samples/data/brown/split-seed42.json}, which the PyTorch peer reads, is what
 * {@link BrownSplitFile} writes from {@link Brown#load}: the same split, label orders and vocabulary; and its parts
 * do not share a document.
 */
class BrownSplitFileTest {
    /** The samples module's tests run in {@code samples/}; the corpus is found from the repository root. */
    private static final Path ROOT = Path.of("..");

    @Test
    @SuppressWarnings("unchecked")
    void committedFileIsBrownsSplitOfSeed42() throws IOException {
        Brown.Data data = Brown.load(ROOT.resolve("samples/data/brown"), BrownSplitFile.SEED, BrownSplitFile.MIN_COUNT);
        String committed = Files.readString(ROOT.resolve(BrownSplitFile.FILE));
        assertEquals(BrownSplitFile.json(data), committed,
                "samples/data/brown/split-seed42.json is stale: run polyhead.samples.pytorch.BrownSplitFile");

        Map<String, Object> split = (Map<String, Object>) ((Map<String, Object>) Json.parse(committed, "split"))
                .get("split");
        Set<String> seen = new HashSet<>();
        int total = 0;
        for (String part : List.of("train", "validation", "test")) {
            List<String> docs = (List<String>) split.get(part);
            seen.addAll(docs);
            total += docs.size();
        }
        assertEquals(500, total);
        assertEquals(500, seen.size(), "a document in two parts");
        assertEquals(List.of(396, 52, 52), List.of(((List<?>) split.get("train")).size(),
                ((List<?>) split.get("validation")).size(), ((List<?>) split.get("test")).size()));
    }
}
