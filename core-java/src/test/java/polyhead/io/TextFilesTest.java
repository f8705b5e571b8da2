package polyhead.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TextFiles}: UTF-8 read as it is (with or without a byte-order mark), other encodings named, a byte that is
 * not UTF-8 named with its offset and line, in a whole read and in a reader, across the reader's buffer boundaries.
 */
class TextFilesTest {
    @TempDir
    Path dir;

    private static final String TEXT = "{\n  \"name\": \"Zoë — 東京 🙂\"\n}\n";

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String fault(Path f) {
        return assertThrows(FormatException.class, () -> TextFiles.read(f)).getMessage();
    }

    @Test
    void utf8IsReadWithOrWithoutAByteOrderMark() throws IOException {
        byte[] utf8 = TEXT.getBytes(StandardCharsets.UTF_8);
        assertEquals(TEXT, TextFiles.read(file("plain.json", utf8)));
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
        assertEquals(TEXT, TextFiles.read(file("bom.json", concat(bom, utf8))));
        assertEquals(TEXT, TextFiles.decode(concat(bom, utf8), "x"));
        assertEquals("", TextFiles.read(file("empty.json", new byte[0])));
        assertEquals("", TextFiles.read(file("only-bom.json", bom)));
        // a byte-order mark is dropped only at the start
        String inside = "a\uFEFFb";
        assertEquals(inside, TextFiles.read(file("inside.txt", inside.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void utf16AndUtf32AreNamedWithOrWithoutAByteOrderMark() throws IOException {
        for (String cs : new String[] {"UTF-16", "UTF-16LE", "UTF-16BE", "UTF-32", "UTF-32LE", "UTF-32BE"}) {
            byte[] bytes = TEXT.getBytes(Charset.forName(cs));
            if (cs.equals("UTF-32")) { // Java writes UTF-32 without a mark; give it one
                bytes = concat(new byte[] {0, 0, (byte) 0xfe, (byte) 0xff}, bytes);
            }
            Path f = file(cs + ".json", bytes);
            assertEquals(f + ": the file is " + cs.substring(0, 6) + " text; save it as UTF-8", fault(f), cs);
        }
        // Windows' "Unicode" text: UTF-16LE with a mark
        byte[] le = concat(new byte[] {(byte) 0xff, (byte) 0xfe}, "a,b\n1,2\n".getBytes(StandardCharsets.UTF_16LE));
        Path csv = file("excel.csv", le);
        assertEquals(csv + ": the file is UTF-16 text; save it as UTF-8", fault(csv));
    }

    @Test
    void aStrayZeroByteIsNotTakenForUtf16() throws IOException {
        String text = "name,value\nab\0c,1\n";
        assertEquals(text, TextFiles.read(file("nul.csv", text.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void aByteThatIsNotUtf8IsNamedWithItsOffsetAndLine() throws IOException {
        // Latin-1: é is the single byte 0xE9
        Path latin1 = file("latin1.csv", "a,b\n1,2\ncaf\u00e9,3\n".getBytes(StandardCharsets.ISO_8859_1));
        String expected = latin1 + ": byte 0xE9 at offset 11 (line 3) is not UTF-8; save the file as UTF-8 (it may be "
                + "in Latin-1 or Windows-1252)";
        assertEquals(expected, fault(latin1));
        try (BufferedReader in = TextFiles.reader(latin1)) {
            assertEquals("a,b", in.readLine());
            assertEquals(expected, assertThrows(FormatException.class, () -> {
                while (in.readLine() != null) {
                    // reads up to the fault
                }
            }).getMessage());
        }
        // far past the first buffer, after multi-byte characters, and cut off at the end
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 30_000; i++) {
            sb.append("é,東\n");
        }
        byte[] good = sb.toString().getBytes(StandardCharsets.UTF_8);
        Path far = file("far.csv", concat(good, new byte[] {'x', (byte) 0xff, '\n'}));
        assertEquals(far + ": byte 0xFF at offset " + (good.length + 1) + " (line 30001) is not UTF-8; save the file "
                + "as UTF-8 (it may be in Latin-1 or Windows-1252)", fault(far));
        Path cut = file("cut.txt", concat("ab\n".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xe6, (byte) 0x9d}));
        assertEquals(cut + ": byte 0xE6 at offset 3 (line 2) is not UTF-8; save the file as UTF-8 (it may be in "
                + "Latin-1 or Windows-1252)", fault(cut));
        assertEquals(sb.toString(), TextFiles.read(file("good.csv", good)));
    }

    @Test
    void aFileThatCannotBeReadIsNamedInWords() throws IOException {
        Path missing = dir.resolve("none.json");
        assertEquals(missing + ": no such file", fault(missing));
        Path folder = Files.createDirectory(dir.resolve("folder.json"));
        assertEquals(folder + ": is a folder, not a file", fault(folder));
        Path notFolder = file("plain.txt", new byte[] {'x'}).resolve("inside.json");
        assertEquals(notFolder + ": a part of the path is not a folder", fault(notFolder));
    }
}
