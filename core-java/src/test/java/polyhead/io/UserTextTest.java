package polyhead.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class UserTextTest {
    @Test
    void namesOfAnyScriptWithDigitsUnderscoresAndHyphensAreNames() {
        for (String name : List.of("item", "y_2", "price-usd", "größe", "分類", "вид", "वर्ग", "カテゴリ", "x",
                "g".repeat(UserText.MAX_NAME), "𠀀".repeat(UserText.MAX_NAME))) {
            assertNull(UserText.nameFault(name), name);
        }
    }

    @Test
    void eachRefusedCharacterIsNamedWithItsPositionAndNeverPrintedRaw() {
        assertEquals("U+001B (escape) at character 2 is not allowed in a name (letters, digits, '_' and '-' are)",
                UserText.nameFault("a\u001b[31m"));
        assertEquals("U+0000 (NUL) at character 1 is not allowed in a name (letters, digits, '_' and '-' are)",
                UserText.nameFault("\0"));
        assertTrue(UserText.nameFault("ab\n").startsWith("U+000A (line feed) at character 3 "));
        assertTrue(UserText.nameFault("ab\r").startsWith("U+000D (carriage return) at character 3 "));
        assertTrue(UserText.nameFault("a\tb").startsWith("U+0009 (tab) at character 2 "));
        assertTrue(UserText.nameFault("a\u007f").startsWith("U+007F (delete) at character 2 "));
        assertTrue(UserText.nameFault("a\u0085").startsWith("U+0085 (next line (nel)) at character 2 "));
        assertTrue(UserText.nameFault("a\u200bb").startsWith("U+200B (zero width space) at character 2 "));
        assertTrue(UserText.nameFault("a b").startsWith("U+0020 (space) at character 2 "));
        assertTrue(UserText.nameFault("a.b").endsWith("a dot separates the parts of parameter and metric names)"));
        // the position counts characters, not UTF-16 units: 𠀀 is two units
        assertTrue(UserText.nameFault("𠀀/").startsWith("U+002F (/) at character 2 "));
        for (String bad : List.of("a,b", "a\"b", "a'b", "a/b", "a\\b", "a:b", "a*b", "a?b", "a<b", "a>b", "a|b",
                "a\ud800b", "CON.txt")) {
            String fault = UserText.nameFault(bad);
            assertTrue(fault != null && fault.contains(" is not allowed in a name"), bad + ": " + fault);
            assertTrue(fault.chars().noneMatch(c -> c < 0x20 || c >= 0x7f && c < 0xa0), fault);
        }
        assertEquals("a name cannot be empty", UserText.nameFault(""));
        assertEquals("a name has at most 60 characters, got 61", UserText.nameFault("g".repeat(61)));
    }

    @Test
    void labelsAllowSpacesAndPunctuationButNoControlOrReorderingCharacters() {
        for (String label : List.of("T-shirt/top", "Ankle boot", "a, \"quoted\" one", "größe 分類", "€")) {
            assertNull(UserText.labelFault(label), label);
        }
        assertEquals("U+009B (control sequence introducer) at character 4 is not allowed in a label (no control "
                + "characters)", UserText.labelFault("bag\u009b31m"));
        assertTrue(UserText.labelFault("\u202ebags").startsWith("U+202E (right-to-left override) at character 1"));
        assertTrue(UserText.labelFault("a\u2066b").startsWith("U+2066 (left-to-right isolate) at character 2"));
        assertTrue(UserText.labelFault("a\u2028b").startsWith("U+2028 (line separator) at character 2"));
        assertTrue(UserText.labelFault("a\u0378").startsWith("U+0378 (unassigned) at character 2"));
        assertEquals("a label cannot be empty", UserText.labelFault(""));
        assertNull(UserText.labelFault("x".repeat(UserText.MAX_LABEL)));
        assertEquals("a label has at most 200 characters, got 201", UserText.labelFault("x".repeat(201)));
    }

    @Test
    void namesThatWriteOneFileOnACaseInsensitiveFileSystemShareAKey() {
        assertEquals(UserText.fileKey("Item"), UserText.fileKey("item"));
        assertEquals(UserText.fileKey("GRÖSSE"), UserText.fileKey("größe"));
        assertEquals(UserText.fileKey("it\u00e9m"), UserText.fileKey("ite\u0301m"));
        assertNotEquals(UserText.fileKey("item"), UserText.fileKey("items"));
        assertTrue(UserText.sameFiles("Item", "item").startsWith("differs from 'item' only in case"));
    }

    @Test
    void quotingEscapesWhatATerminalWouldActOnAndCutsLongText() {
        assertEquals("'plain'", UserText.quote("plain"));
        assertEquals("'x\\u001B[31m\\u0000\\u000A\\u009B\\u202Ey'", UserText.quote("x\u001b[31m\0\n\u009b\u202ey"));
        assertEquals("'a\\uD800b'", UserText.quote("a\ud800b"));
        assertEquals("'" + "x".repeat(40) + "…'", UserText.quote("x".repeat(41)));
        assertEquals("'" + "𠀀".repeat(40) + "…'", UserText.quote("𠀀".repeat(41)));
        String line = UserText.printable("error: task 'a\u001b]0;title\u0007' at line\r");
        assertEquals("error: task 'a\\u001B]0;title\\u0007' at line\\u000D", line);
        assertFalse(line.chars().anyMatch(Character::isISOControl));
    }

    @Test
    void csvRecordsAreWrittenSoTheReaderGetsBackEveryField() throws IOException {
        List<List<String>> rows = List.of(
                List.of("epoch", "a,b", "q\"x\"", "line\nbreak", "cr\rlf", " padded ", ""),
                List.of("1", ",", "\"", "\r\n", "", "x", "größe"),
                List.of(""));
        StringBuilder text = new StringBuilder();
        rows.forEach(r -> text.append(CsvRecords.format(r)));
        assertEquals("epoch,\"a,b\",\"q\"\"x\"\"\",\"line\nbreak\",\"cr\rlf\",\" padded \",\n", CsvRecords.format(rows.get(0)));
        CsvRecords in = new CsvRecords(new StringReader(text.toString()), ',', "t.csv");
        List<List<String>> back = new ArrayList<>();
        for (List<String> r = in.next(); r != null; r = in.next()) {
            back.add(List.copyOf(r));
        }
        assertEquals(rows, back);
    }
}
