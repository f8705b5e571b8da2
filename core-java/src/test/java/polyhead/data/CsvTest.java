package polyhead.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.tensor.Shape;
import polyhead.io.CsvNumbers;

class CsvTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static final Csv.Spec IRIS = Csv.spec()
            .features("x1", "x2")
            .classLabels("species")
            .classIndex("digit", 10)
            .real("price")
            .real("pos", "px", "py");

    @Test
    void readsFeaturesClassAndRealTargetsWithMissingLabelsAndQuoting() throws IOException {
        Path f = write("iris.csv", "\uFEFFx1,x2,note,species,digit,price,px,py\r\n"
                + "1.5,-2,\"a, b\",\"versi,color\",3,10.5,1,2\r\n"
                + "  0.25 ,3e-1,\"say \"\"hi\"\"\",setosa,,,,\r\n"
                + "4,5,\"two\nlines\",\"\",9,-1,0.5,0.25\r\n"
                + "\r\n"
                + "6,7,plain,setosa,0,\"2\",,\r\n");
        Csv.Table t = Csv.read(f, IRIS);
        Dataset d = t.dataset();
        assertEquals(4, d.size());
        assertEquals(List.of("x1", "x2"), t.features());
        assertEquals(Shape.of(4, 2), d.inputs().shape());
        assertArrayEquals(new float[] {1.5f, -2, 0.25f, 0.3f, 4, 5, 6, 7}, d.inputs().data());

        // string labels are indexed by sorted order: "setosa" < "versi,color"
        assertEquals(List.of("setosa", "versi,color"), t.classes("species"));
        assertArrayEquals(new float[] {1, 0, 0, 0}, d.targets("species").data());
        assertArrayEquals(new float[] {1, 1, 0, 1}, d.mask("species").data());

        assertEquals(10, t.classes("digit").size());
        assertArrayEquals(new float[] {3, 0, 9, 0}, d.targets("digit").data());
        assertArrayEquals(new float[] {1, 0, 1, 1}, d.mask("digit").data());

        assertArrayEquals(new float[] {10.5f, 0, -1, 2}, d.targets("price").data());
        assertArrayEquals(new float[] {1, 0, 1, 1}, d.mask("price").data());

        assertEquals(Shape.of(4, 2), d.targets("pos").shape());
        assertArrayEquals(new float[] {1, 2, 0, 0, 0.5f, 0.25f, 0, 0}, d.targets("pos").data());
        assertArrayEquals(new float[] {1, 0, 1, 0}, d.mask("pos").data());

        assertEquals(Map.of("species", LabelType.CLASS_INDEX, "digit", LabelType.CLASS_INDEX,
                "price", LabelType.REAL_VECTOR, "pos", LabelType.REAL_VECTOR), t.labelTypes());
        assertEquals(List.of("species", "digit", "price", "pos"), d.tasks());
    }

    @Test
    void featuresDefaultToEveryColumnNoTargetReads() throws IOException {
        Path f = write("d.csv", "a,y,b,c\n1,0,2,3\n4,1,5,6\n");
        Csv.Table t = Csv.read(f, Csv.spec().classIndex("y"));
        assertEquals(List.of("a", "b", "c"), t.features());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.dataset().inputs().data());
        assertEquals(List.of("0", "1"), t.classes("y"));
    }

    @Test
    void declaredLabelsKeepTheirOrderAndASemicolonDelimiterWorks() throws IOException {
        Path f = write("d.csv", "a;size\n1;large\n2;small\n3;\n4;medium\n");
        Csv.Table t = Csv.read(f, Csv.spec().classLabels("size", "small", "medium", "large").delimiter(';'));
        assertEquals(List.of("small", "medium", "large"), t.classes("size"));
        assertArrayEquals(new float[] {2, 0, 0, 1}, t.dataset().targets("size").data());
        assertArrayEquals(new float[] {1, 1, 0, 1}, t.dataset().mask("size").data());
    }

    @Test
    void recordsSpanningLinesAndFieldsLongerThanTheBufferAreRead() throws IOException {
        String longLabel = "z".repeat(200_000);
        Path f = write("d.csv", "a,label\n1,\"x\ny\"\n2,\"" + longLabel + "\"\n3,x\n");
        Csv.Table t = Csv.read(f, Csv.spec().classLabels("label"));
        assertEquals(List.of("x", "x\ny", longLabel), t.classes("label"));
        assertArrayEquals(new float[] {1, 2, 0}, t.dataset().targets("label").data());
    }

    /** Correctness on a file of 100,000 rows (the reader's buffer refills many times mid-field); not timed. */
    @Test
    void readsAHundredThousandRows() throws IOException {
        int n = 100_000;
        Path f = dir.resolve("big.csv");
        try (Writer w = Files.newBufferedWriter(f)) {
            w.write("f0,f1,f2,f3,f4,f5,f6,f7,cls,y\n");
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 8; k++) {
                    w.write(Float.toString(i * 0.5f + k));
                    w.write(',');
                }
                w.write(i % 7 == 0 ? "" : Integer.toString(i % 5));
                w.write(',');
                w.write(Float.toString(-i / 4f));
                w.write('\n');
            }
        }
        Csv.Table t = Csv.read(f, Csv.spec().classIndex("cls", 5).real("y"));
        Dataset d = t.dataset();
        assertEquals(n, d.size());
        assertEquals(Shape.of(n, 8), d.inputs().shape());
        for (int i : new int[] {0, 1, 8191, 65_537, n - 1}) {
            assertEquals(i * 0.5f + 3, d.inputs().get(i, 3));
            assertEquals(i % 7 == 0 ? 0 : i % 5, d.targets("cls").data()[i]);
            assertEquals(i % 7 == 0 ? 0 : 1, d.mask("cls").data()[i]);
            assertEquals(-i / 4f, d.targets("y").data()[i]);
        }
        assertEquals(n - (n + 6) / 7, d.labelCount("cls"));
    }

    private String error(String text, Csv.Spec spec) throws IOException {
        Path f = write("bad.csv", text);
        return assertThrows(DataException.class, () -> Csv.read(f, spec)).getMessage()
                .replace(f.toString(), "bad.csv");
    }

    private static final Csv.Spec AB_Y = Csv.spec().features("a", "b").classIndex("y", 3);

    @Test
    void everyFaultNamesFileLineAndColumn() throws IOException {
        assertEquals("bad.csv: empty file (expected a header line)", error("", AB_Y));
        assertEquals("bad.csv: empty file (expected a header line)", error("\n\r\n", AB_Y));
        assertEquals("bad.csv: no data rows after the header", error("a,b,y\n", AB_Y));
        assertEquals("bad.csv: line 1: unknown column 'b'; the header has a, B, y", error("a,B,y\n1,2,0\n", AB_Y));
        assertEquals("bad.csv: line 1, column 'a': appears twice in the header (fields 1 and 3)",
                error("a,b,a,y\n", AB_Y));
        assertEquals("bad.csv: line 3: 2 fields, but the header has 3 columns (column 'y' is missing)",
                error("a,b,y\n1,2,0\n1,2\n", AB_Y));
        assertEquals("bad.csv: line 2: 4 fields, but the header has 3 columns (field 4 has no column)",
                error("a,b,y\n1,2,0,\n", AB_Y));
        assertEquals("bad.csv: line 2, column 'b': 'abc' is not a number", error("a,b,y\n1,abc,0\n", AB_Y));
        assertEquals("bad.csv: line 2, column 'b': '1.5f' is not a number", error("a,b,y\n1,1.5f,0\n", AB_Y));
        assertEquals("bad.csv: line 2, column 'a': '0x1p3' is not a number", error("a,b,y\n0x1p3,1,0\n", AB_Y));
        assertEquals("bad.csv: line 2, column 'b': 'NaN' is NaN or infinite", error("a,b,y\n1,NaN,0\n", AB_Y));
        assertEquals("bad.csv: line 2, column 'a': '-Infinity' is NaN or infinite",
                error("a,b,y\n-Infinity,1,0\n", AB_Y));
        assertEquals("bad.csv: line 2, column 'a': '1e999' is NaN or infinite", error("a,b,y\n1e999,1,0\n", AB_Y));
        assertEquals("bad.csv: line 2, column 'a': empty feature cell", error("a,b,y\n,1,0\n", AB_Y));
        assertEquals("bad.csv: line 3, column 'y': class '3' is outside 0..2", error("a,b,y\n1,2,0\n1,2,3\n", AB_Y));
        assertEquals("bad.csv: line 2, column 'y': class '-1' is outside 0..2", error("a,b,y\n1,2,-1\n", AB_Y));
        assertEquals("bad.csv: line 2, column 'y': '1.0' is not a class index (0..2)", error("a,b,y\n1,2,1.0\n", AB_Y));
        assertEquals("bad.csv: line 2, column 'y': class '99999999999999999999' is outside 0..2",
                error("a,b,y\n1,2,99999999999999999999\n", AB_Y));
        assertEquals("bad.csv: line 2, column 'y': 'cat' is not a class index (a non-negative integer)",
                error("a,y\n1,cat\n", Csv.spec().classIndex("y")));
        assertEquals("bad.csv: line 3, column 'y': class 'dog' is not one of the declared [cat, cow]",
                error("a,y\n1,cat\n1,dog\n", Csv.spec().classLabels("y", "cat", "cow")));
        assertEquals("bad.csv: line 2, column 'y': 'nan' is NaN or infinite (leave the cell empty for a missing label)",
                error("a,y\n1,nan\n", Csv.spec().real("y")));
        assertEquals("bad.csv: line 2, column 'py': empty, but other columns of task 'pos' are not (a label is "
                + "missing only when all its columns are empty)", error("a,px,py\n1,2,\n", Csv.spec().real("pos", "px", "py")));
        assertEquals("bad.csv: line 1: no feature columns (every column is a target)",
                error("y\n1\n", Csv.spec().classIndex("y")));
    }

    @Test
    void syntaxFaultsNameTheLineTheRecordStartsOnAndTheColumn() throws IOException {
        assertEquals("bad.csv: line 4, column 'b': 'x' is not a number",
                error("a,b,y\n1,2,\"multi\nline\"\n1,x,0\n", Csv.spec().features("a", "b").classLabels("y")));
        assertEquals("bad.csv: line 3, column 'b': quoted field opened on line 3 is never closed",
                error("a,b,y\n1,2,0\n1,\"2,0\n", AB_Y));
        assertEquals("bad.csv: line 2, column 'b': a quote inside an unquoted field (quote the whole field and double "
                + "inner quotes)", error("a,b,y\n1,2\"3,0\n", AB_Y));
        assertEquals("bad.csv: line 2, column 'a': characters after the closing quote of a quoted field",
                error("a,b,y\n\"1\"2,3,0\n", AB_Y));
        assertEquals("bad.csv: line 1, field 2: a quote inside an unquoted field (quote the whole field and double "
                + "inner quotes)", error("a,b\"c,y\n", AB_Y));
    }

    @Test
    void fileFaults() throws IOException {
        Path missing = dir.resolve("none.csv");
        assertEquals(missing + ": no such file",
                assertThrows(DataException.class, () -> Csv.read(missing, AB_Y)).getMessage());
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, new byte[] {'a', ',', 'b', ',', 'y', '\n', '1', ',', '2', ',', (byte) 0xe9, '\n'});
        assertEquals(latin1 + ": byte 0xE9 at offset 10 (line 2) is not UTF-8; save the file as UTF-8 (it may be in "
                + "Latin-1 or Windows-1252)",
                assertThrows(DataException.class, () -> Csv.read(latin1, AB_Y)).getMessage());
    }

    @Test
    void specMistakesAreRefusedWhenTheSpecIsBuilt() {
        assertEquals("column 'a' is both a feature and a target",
                assertThrows(IllegalArgumentException.class, () -> Csv.spec().real("a").features("a")).getMessage());
        assertEquals("column 'a' is read by two targets",
                assertThrows(IllegalArgumentException.class, () -> Csv.spec().real("a").real("p", "b", "a")).getMessage());
        assertEquals("task 'a' is declared twice",
                assertThrows(IllegalArgumentException.class, () -> Csv.spec().real("a").real("a", "b")).getMessage());
        assertEquals("class count of column 'y' must be positive, got 0",
                assertThrows(IllegalArgumentException.class, () -> Csv.spec().classIndex("y", 0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Csv.read(dir.resolve("x.csv"), Csv.spec()));
    }

    /** The exact-decimal fast path must agree bit for bit with Float.parseFloat. */
    @Test
    void numbersEqualFloatParseFloat() {
        Random rng = new Random(3);
        String[] fixed = {"0", "-0", "+7", "5.", ".5", "16777216", "16777217", "0.1", "-3.4028235", "12345678.9",
                "0.0000000001", "99999999", "1.25e3", "7E-2", " 42 "};
        for (String s : fixed) {
            assertEquals(Float.floatToIntBits(Float.parseFloat(s)), Float.floatToIntBits(CsvNumbers.parse(s)), s);
        }
        for (int i = 0; i < 20_000; i++) {
            int intDigits = rng.nextInt(9);
            int fracDigits = rng.nextInt(12);
            StringBuilder b = new StringBuilder(rng.nextBoolean() ? "-" : "");
            for (int k = 0; k < intDigits; k++) {
                b.append((char) ('0' + rng.nextInt(10)));
            }
            if (fracDigits > 0 || intDigits == 0) {
                b.append('.');
                for (int k = 0; k < Math.max(1, fracDigits); k++) {
                    b.append((char) ('0' + rng.nextInt(10)));
                }
            }
            String s = b.toString();
            assertEquals(Float.floatToIntBits(Float.parseFloat(s)), Float.floatToIntBits(CsvNumbers.parse(s)), s);
        }
    }

    /**
     * Bounded fuzzing: random edits of a valid file either read or fail with the library's one-line DataException,
     * never another exception.
     */
    @Test
    void mutatedFilesFailOnlyWithDataException() throws IOException {
        String valid = "a,b,label,r\n1,2,x,0.5\n\"3\",4,\"y,z\",\n5,6,,1e3\n";
        char[] alphabet = {',', '"', '\n', '\r', 'x', '1', '.', '-', 'e', ' ', '\uFEFF', '\u00e9'};
        Csv.Spec spec = Csv.spec().features("a", "b").classLabels("label").real("r");
        Random rng = new Random(11);
        Path f = dir.resolve("fuzz.csv");
        for (int i = 0; i < 600; i++) {
            StringBuilder s = new StringBuilder(valid);
            for (int e = 1 + rng.nextInt(4); e > 0; e--) {
                int at = rng.nextInt(s.length() + 1);
                switch (rng.nextInt(3)) {
                    case 0 -> s.insert(at, alphabet[rng.nextInt(alphabet.length)]);
                    case 1 -> { if (at < s.length()) { s.deleteCharAt(at); } }
                    default -> { if (at < s.length()) { s.setCharAt(at, alphabet[rng.nextInt(alphabet.length)]); } }
                }
            }
            byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
            if (rng.nextInt(10) == 0 && bytes.length > 0) {
                bytes[rng.nextInt(bytes.length)] = (byte) (0x80 + rng.nextInt(0x80));
            }
            Files.write(f, bytes);
            try {
                Csv.read(f, spec);
            } catch (DataException e) {
                String m = e.getMessage();
                assertEquals(-1, m.indexOf('\n'), m);
                assertEquals(true, m.startsWith(f.toString() + ": "), m);
            }
        }
    }
}
