package polyhead.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.data.DataException;
import polyhead.tensor.Tensor;

/**
 * What {@link FashionMnist#load} says it read ({@link FashionMnist.Data#label}): the full set by its sizes, the
 * shipped subset by its folder and sizes, any other folder by its number of images; and a folder without images is
 * refused naming the file.
 */
class FashionMnistTest {
    private static final Path SHIPPED = Path.of("../samples/data/fashion-mnist");

    @TempDir
    Path tmp;

    /** A folder of {@code train} and {@code test} blank images labelled 0..9 in turn. */
    private Path folder(String name, int train, int test) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (String split : new String[] {"train", "t10k"}) {
            int n = split.equals("train") ? train : test;
            ByteBuffer images = ByteBuffer.allocate(16 + n * 28 * 28).putInt(0x803).putInt(n).putInt(28).putInt(28);
            ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n);
            for (int i = 0; i < n; i++) {
                labels.put((byte) (i % 10));
            }
            gzip(dir.resolve(split + "-images-idx3-ubyte.gz"), images.array());
            gzip(dir.resolve(split + "-labels-idx1-ubyte.gz"), labels.array());
        }
        return dir;
    }

    private static void gzip(Path file, byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(bytes);
        }
        Files.write(file, out.toByteArray());
    }

    private static FashionMnist.Split blank(int n) {
        return new FashionMnist.Split(Tensor.zeros(n, 1), Tensor.zeros(n), Tensor.zeros(n));
    }

    @Test
    void theShippedSubsetIsLabelledAsSuch() {
        FashionMnist.Data d = FashionMnist.load(SHIPPED);
        assertFalse(d.full());
        assertEquals("subset shipped with the repository", d.label());
    }

    @Test
    void anyOtherFolderIsLabelledByItsNumberOfImages() throws IOException {
        FashionMnist.Data small = FashionMnist.load(folder("small", 8, 4));
        assertFalse(small.full());
        assertEquals("a folder with 12 images", small.label());
        // the shipped subset's sizes from another folder are not the shipped subset
        FashionMnist.Data copy = new FashionMnist.Data(tmp, false, blank(10_000), blank(2_000));
        assertEquals("a folder with 12,000 images", copy.label());
        // 60,000 training images without the 10,000 test images are not the full set
        assertEquals("a folder with 60,004 images", new FashionMnist.Data(tmp, false, blank(60_000), blank(4)).label());
    }

    @Test
    void theFullSetIsLabelledFromAnyFolder() {
        assertEquals("full set", new FashionMnist.Data(tmp, true, blank(60_000), blank(10_000)).label());
    }

    @Test
    void aFolderWithoutImagesIsRefusedNamingTheFile() throws IOException {
        Path noTrain = folder("no-train", 0, 4);
        assertEquals(noTrain.resolve("train-images-idx3-ubyte.gz") + ": 0 images; Fashion-MNIST needs at least one "
                + "training image", assertThrows(DataException.class, () -> FashionMnist.load(noTrain)).getMessage());
        Path noTest = folder("no-test", 8, 0);
        assertEquals(noTest.resolve("t10k-images-idx3-ubyte.gz") + ": 0 images; Fashion-MNIST needs at least one "
                + "test image", assertThrows(DataException.class, () -> FashionMnist.load(noTest)).getMessage());
    }
}
