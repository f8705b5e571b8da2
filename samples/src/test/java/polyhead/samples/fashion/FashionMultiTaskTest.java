package polyhead.samples.fashion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.data.DataException;

class FashionMultiTaskTest {
    private static final Path SUBSET = Path.of("data/fashion-mnist");

    @Test
    void shippedSubsetLoadsWithCoarseGroups() {
        FashionMnist.Data d = FashionMnist.load(SUBSET);
        assertFalse(d.full());
        assertEquals(10_000, d.train().size());
        assertEquals(2_000, d.test().size());
        assertEquals(784, d.train().images().shape().dim(1));
        for (int i = 0; i < 100; i++) {
            int item = (int) d.train().items().data()[i];
            assertEquals(FashionMnist.GROUP_OF_ITEM[item], (int) d.train().groups().data()[i]);
        }
        assertTrue(d.train().images().maxAbs() <= 1f);
    }

    /** One epoch on the 10,000-image subset must learn both tasks well beyond chance (0.1 and ~0.4). */
    @Test
    void oneEpochLearnsBothTasks() {
        Map<String, Double> r = FashionMultiTask.run(FashionMultiTask.Options.parse(
                new String[] {"--data", SUBSET.toString(), "--epochs", "1", "--seed", "7", "--quiet"}));
        assertTrue(r.get("item.accuracy") > 0.72, r.toString());
        assertTrue(r.get("group.accuracy") > 0.90, r.toString());
    }

    @Test
    void badOptionsAndMissingDataGiveOneLineErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FashionMultiTask.Options.parse(new String[] {"--epochs", "x"}));
        assertEquals("option --epochs: 'x' is not a number", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FashionMultiTask.Options.parse(new String[] {"--bogus", "1"}));
        assertEquals("unknown option --bogus (see --help)", e.getMessage());
        DataException d = assertThrows(DataException.class, () -> FashionMnist.load(Path.of("no/such/dir")));
        assertEquals(Path.of("no/such/dir/train-images-idx3-ubyte.gz") + ": no such file", d.getMessage());
    }
}
