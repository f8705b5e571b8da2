package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.io.CsvRecords;

/**
 * Names through the tool: tasks named in other scripts train and write a history, plots and predictions that read
 * back; a bad column name in a CSV header or on the command line is one line naming the column and the character,
 * and nothing the user wrote reaches the terminal with its control characters raw (tests run in samples/).
 */
class NamesCommandLineTest {
    @TempDir
    Path tmp;

    /** samples/specs/csv.json and data/csv/toy.csv with the tasks renamed {@code kind} → {@code größe}, price → 分類. */
    private Path[] renamed(String classNames) throws IOException {
        String spec = Files.readString(Path.of("specs/csv.json")).replace("\"kind\"", "\"größe\"")
                .replace("\"price\"", "\"分類\"")
                .replace("\"metrics\": [\"accuracy\"]", "\"metrics\": [\"accuracy\"], \"classNames\": " + classNames);
        Path specFile = Files.writeString(tmp.resolve("spec.json"), spec);
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("data/csv/toy.csv")));
        lines.set(0, lines.get(0).replace("kind", "größe").replace("price", "分類"));
        Path data = Files.write(tmp.resolve("data.csv"), lines.subList(0, 201));
        return new Path[] {specFile, data};
    }

    private static List<List<String>> readCsv(Path file) throws IOException {
        CsvRecords in = new CsvRecords(new StringReader(Files.readString(file)), ',', file.toString());
        List<List<String>> rows = new ArrayList<>();
        for (List<String> r = in.next(); r != null; r = in.next()) {
            rows.add(List.copyOf(r));
        }
        return rows;
    }

    @Test
    void tasksNamedInOtherScriptsTrainAndWriteFilesThatReadBack() throws IOException {
        Path[] in = renamed("[\"a, b\", \"\\\"quoted\\\"\", \"T-shirt/top\"]");
        Path run = tmp.resolve("run");
        PolyheadTest.Result r = PolyheadTest.run("train", in[0].toString(), "--dataset", "csv", "--data",
                in[1].toString(), "--epochs", "2", "--out", run.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());

        List<List<String>> history = readCsv(run.resolve("history.csv"));
        assertEquals(3, history.size(), "header and 2 epochs: " + history);
        List<String> header = history.get(0);
        assertTrue(header.containsAll(List.of("train.größe.loss", "train.分類.loss", "val.größe.accuracy",
                "val.分類.r2")), header.toString());
        history.forEach(row -> assertEquals(header.size(), row.size(), row.toString()));
        for (String plot : List.of("loss-größe.png", "loss-分類.png", "metrics-größe.png", "metrics-分類.png")) {
            assertTrue(Files.size(run.resolve(plot)) > 1000, plot);
        }

        Path predictions = tmp.resolve("predictions.csv");
        r = PolyheadTest.run("predict", run.toString(), in[1].toString(), "--out", predictions.toString());
        assertEquals(0, r.code(), r.err());
        List<List<String>> rows = readCsv(predictions);
        assertEquals(List.of("row", "größe.class", "größe.className", "größe.p0", "größe.p1", "größe.p2", "分類"),
                rows.get(0));
        assertEquals(201, rows.size());
        for (List<String> row : rows.subList(1, rows.size())) {
            assertEquals(7, row.size(), row.toString());
            assertEquals(List.of("a, b", "\"quoted\"", "T-shirt/top").get(Integer.parseInt(row.get(1))), row.get(2));
        }
    }

    private static void assertOneSafeLine(PolyheadTest.Result r, int code, String expected) {
        assertEquals(code, r.code(), r.err());
        assertEquals("error: " + expected, r.err().lines().findFirst().orElse(""));
        assertFalse((r.out() + r.err()).chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r'),
                r.err());
        PolyheadTest.assertNoStackTrace(r);
    }

    @Test
    void aBadColumnNameInTheHeaderIsOneLineNamingTheColumn() throws IOException {
        Path[] in = renamed("[\"a\", \"b\", \"c\"]");
        List<String> lines = new ArrayList<>(Files.readAllLines(in[1]));
        lines.set(0, lines.get(0).replace("x2", "\"x\u001b[2J2\""));
        Files.write(in[1], lines);
        PolyheadTest.Result r = PolyheadTest.run("train", in[0].toString(), "--dataset", "csv", "--data",
                in[1].toString(), "--epochs", "1", "--out", tmp.resolve("run").toString(), "--quiet");
        assertOneSafeLine(r, 1, in[1] + ": line 1, column 2 of the header: U+001B (escape) at character 2 is not "
                + "allowed in a label (no control characters)");
        assertFalse(Files.exists(tmp.resolve("run")));
    }

    @Test
    void aBadColumnNameOnTheCommandLineIsOneLineNamingTheOption() throws IOException {
        Path[] in = renamed("[\"a\", \"b\", \"c\"]");
        PolyheadTest.Result r = PolyheadTest.run("train", in[0].toString(), "--dataset", "csv", "--data",
                in[1].toString(), "--targets", "größe:class,x1\u001b[31m:real", "--out", tmp.resolve("a").toString());
        assertOneSafeLine(r, 2, "option --targets: column 'x1\\u001B[31m' (a task name): U+001B (escape) at "
                + "character 3 is not allowed in a name (letters, digits, '_' and '-' are)");
        r = PolyheadTest.run("train", in[0].toString(), "--dataset", "csv", "--data", in[1].toString(), "--targets",
                "größe:class,x1.5:real", "--out", tmp.resolve("b").toString());
        assertOneSafeLine(r, 2, "option --targets: column 'x1.5' (a task name): U+002E (.) at character 3 is not "
                + "allowed in a name (letters, digits, '_' and '-' are; a dot separates the parts of parameter and "
                + "metric names)");
        r = PolyheadTest.run("train", in[0].toString(), "--dataset", "csv", "--data", in[1].toString(),
                "--sample-weights", "w\u0007", "--out", tmp.resolve("c").toString());
        assertOneSafeLine(r, 2, "option --sample-weights: column 'w\\u0007': U+0007 (bel) at character 2 is not "
                + "allowed in a label (no control characters)");
        // a name that is legal but no task of the spec: quoted as written
        r = PolyheadTest.run("train", in[0].toString(), "--dataset", "csv", "--data", in[1].toString(), "--targets",
                "x_1", "--out", tmp.resolve("d").toString());
        assertOneSafeLine(r, 2, "option --targets: column 'x_1' is no task of the spec; give its kind as x_1:class, "
                + ":labels, :real or :binary");
    }

    @Test
    void aMessageQuotingUserTextNeverCarriesItsControlCharacters() {
        // picocli's own message for an unknown option echoes the argument; the tool prints it escaped
        PolyheadTest.Result r = PolyheadTest.run("train", "--no-such\u001b]0;pwned\u0007");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: unknown option --no-such\\u001B]0;pwned\\u0007"), r.err());
        assertFalse(r.err().chars().anyMatch(c -> c == 0x1b || c == 0x07), r.err());
    }
}
