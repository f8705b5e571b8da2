package polyhead.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.tensor.Shape;

/** Binary targets (0/1 columns, for sigmoid + BCE heads) and a column of per-sample weights read from CSV. */
class CsvBinaryAndWeightsTest {
    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path p = dir.resolve("d.csv");
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void readsBinaryTargetsWithMissingLabelsAndSampleWeights() throws IOException {
        Path f = write("x,spam,a,b,w\n1,1,0,1,0.5\n2,,1,1,2\n3,0,,,1\n");
        Csv.Table t = Csv.read(f, Csv.spec().binary("spam").binary("ab", "a", "b").sampleWeights("w"));
        assertEquals(List.of("x"), t.features());
        assertEquals(LabelType.BINARY, t.labelTypes().get("spam"));
        assertEquals(LabelType.BINARY, t.labelTypes().get("ab"));
        Dataset d = t.dataset();
        assertEquals(Shape.of(3), d.targets("spam").shape());
        assertArrayEquals(new float[] {1, 0, 0}, d.targets("spam").data());
        assertArrayEquals(new float[] {1, 0, 1}, d.mask("spam").data());
        assertEquals(Shape.of(3, 2), d.targets("ab").shape());
        assertArrayEquals(new float[] {0, 1, 1, 1, 0, 0}, d.targets("ab").data());
        assertArrayEquals(new float[] {1, 1, 0}, d.mask("ab").data());
        assertArrayEquals(new float[] {0.5f, 2, 1}, d.sampleWeights("spam").data());
        assertArrayEquals(new float[] {0.5f, 2, 1}, d.sampleWeights("ab").data());
        assertArrayEquals(new float[] {2, 1}, d.rows(new int[] {1, 2}).sampleWeights("ab").data());
        assertNull(Csv.read(f, Csv.spec().binary("spam").features("x")).dataset().sampleWeights("spam"));
    }

    @Test
    void aCellThatIsNotABinaryLabelOrABadWeightIsOneLineNamingLineAndColumn() throws IOException {
        Path f = write("x,spam,w\n1,1,1\n2,2,1\n");
        assertEquals(f + ": line 3, column 'spam': '2' is not a binary label (0 or 1; leave the cell empty for a missing "
                + "label)", assertThrows(DataException.class, () -> Csv.read(f, Csv.spec().binary("spam"))).getMessage());
        Path g = write("x,spam,w\n1,1,-1\n");
        assertEquals(g + ": line 2, column 'w': sample weight -1.0 is negative (weights are finite numbers >= 0)",
                assertThrows(DataException.class, () -> Csv.read(g, Csv.spec().binary("spam").sampleWeights("w")))
                        .getMessage());
        Path h = write("x,spam,w\n1,1,\n");
        assertEquals(h + ": line 2, column 'w': empty sample weight cell",
                assertThrows(DataException.class, () -> Csv.read(h, Csv.spec().binary("spam").sampleWeights("w")))
                        .getMessage());
        assertEquals("column 'w' is both a feature and a sample weight", assertThrows(IllegalArgumentException.class,
                () -> Csv.spec().binary("spam").sampleWeights("w").features("x", "w")).getMessage());
    }
}
