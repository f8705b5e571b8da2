package polyhead.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * {@link AtomicFiles#write} replaces a regular file or creates an absent one, and refuses, before writing anything,
 * whatever else a rename would clobber: a symbolic link (and what it points at), a device, a directory.
 */
class AtomicFilesTest {
    private static final Path DEVICE = Path.of("/dev/null"); // a character device any user may name

    @TempDir
    Path tmp;

    private static void write(Path target, String text) throws IOException {
        AtomicFiles.write(target, ch -> ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void anAbsentFileIsCreatedAndARegularFileReplaced() throws IOException {
        Path f = tmp.resolve("out.txt");
        assertNull(AtomicFiles.notARegularFile(f));
        write(f, "first");
        assertEquals("first", Files.readString(f));
        assertNull(AtomicFiles.notARegularFile(f));
        write(f, "second");
        assertEquals("second", Files.readString(f));
        assertTrue(Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of(f), listing());
    }

    @Test
    void aSymbolicLinkIsRefusedAndNeitherItNorItsTargetChanges() throws IOException {
        Path real = Files.writeString(tmp.resolve("real.txt"), "keep");
        Path link = Files.createSymbolicLink(tmp.resolve("link.txt"), real);
        NotARegularFileException e = assertThrows(NotARegularFileException.class, () -> write(link, "clobber"));
        assertEquals(link + ": is a symbolic link, not a regular file", e.getMessage());
        assertEquals("a symbolic link", e.kind());
        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        assertEquals("keep", Files.readString(real));
        assertEquals(2, listing().size(), "no temporary file left: " + listing());
    }

    @Test
    void aDanglingSymbolicLinkIsRefused() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("dangling"), tmp.resolve("nowhere"));
        assertThrows(NotARegularFileException.class, () -> write(link, "x"));
        assertTrue(Files.isSymbolicLink(link));
        assertTrue(Files.notExists(tmp.resolve("nowhere")));
    }

    @Test
    void aDeviceIsRefused() {
        assertEquals("a device", AtomicFiles.notARegularFile(DEVICE));
        NotARegularFileException e = assertThrows(NotARegularFileException.class, () -> write(DEVICE, "x"));
        assertEquals("/dev/null: is a device, not a regular file", e.getMessage());
    }

    @Test
    void aDirectoryIsRefusedAndKeepsItsFiles() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        Files.writeString(dir.resolve("inside.txt"), "keep");
        NotARegularFileException e = assertThrows(NotARegularFileException.class, () -> write(dir, "x"));
        assertEquals(dir + ": is a directory, not a regular file", e.getMessage());
        assertEquals("keep", Files.readString(dir.resolve("inside.txt")));
    }

    /** A caller of the writer, safetensors, refuses in one line too, with the library's error type. */
    @Test
    void safetensorsRefusesASymbolicLinkInOneLine() throws IOException {
        Path real = Files.writeString(tmp.resolve("real.safetensors"), "keep");
        Path link = Files.createSymbolicLink(tmp.resolve("w.safetensors"), real);
        Map<String, Tensor> t = Map.of("w", Tensor.zeros(Shape.of(2)));
        FormatException e = assertThrows(FormatException.class, () -> Safetensors.write(link, t));
        assertEquals(link + ": is a symbolic link, not a regular file", e.getMessage());
        assertEquals("keep", Files.readString(real));
        Path plain = tmp.resolve("plain.safetensors");
        Safetensors.write(plain, t);
        assertArrayEquals(new float[2], Safetensors.load(plain).get("w").data());
    }

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.sorted().toList();
        }
    }
}
