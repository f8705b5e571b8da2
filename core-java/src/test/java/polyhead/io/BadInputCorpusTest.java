package polyhead.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.data.Csv;
import polyhead.io.Idx;
import polyhead.nn.Activation;
import polyhead.nn.BatchNorm;
import polyhead.nn.Linear;
import polyhead.nn.Module;
import polyhead.nn.Sequential;
import polyhead.optim.Optimizer;
import polyhead.tensor.Tensor;
import polyhead.checkpoint.Checkpoint;
import polyhead.checkpoint.CheckpointException;
import polyhead.checkpoint.Checkpoints;
import polyhead.checkpoint.CheckpointTest;

/**
 * The corpus of bad input files of the core readers ({@code polyhead/badinputs/manifest.tsv}: IDX, CSV, safetensors,
 * damaged checkpoints): each must be refused with the library's own error type ({@link FormatException}, of which
 * {@link CheckpointException} is one), in one line that names the file and matches the manifest's expectation;
 * a checkpoint that does not fit the model leaves the model untouched.
 */
class BadInputCorpusTest {
    private static final String CORPUS = "/polyhead/badinputs/";

    @TempDir
    Path tmp;

    private record Row(String file, String reader, Pattern expected) {
    }

    private static Path corpus() throws URISyntaxException {
        return Path.of(BadInputCorpusTest.class.getResource(CORPUS + "manifest.tsv").toURI()).getParent();
    }

    private static List<Row> manifest() throws IOException, URISyntaxException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(corpus().resolve("manifest.tsv"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            assertEquals(3, f.length, "manifest line '" + line + "' needs file, reader and expected, tab-separated");
            rows.add(new Row(f[0], f[1], Pattern.compile(f[2])));
        }
        return rows;
    }

    @Test
    void everyBadInputIsRefusedInOneLineNamingTheFileAndTheFault() throws Exception {
        List<Row> rows = manifest();
        List<String> failures = new ArrayList<>();
        for (Row row : rows) {
            String message;
            try {
                read(row);
                failures.add(row.file() + ": read without complaint");
                continue;
            } catch (FormatException e) {
                message = e.getMessage();
            } catch (RuntimeException | Error e) {
                failures.add(row.file() + ": " + e + " instead of the library's FormatException");
                continue;
            }
            System.out.println("corpus: " + message);
            if (message == null || message.contains("\n") || message.contains("\r")) {
                failures.add(row.file() + ": not one line: " + message);
            } else if (!message.contains(row.file()) && !message.contains(checkpointFile(row))) {
                failures.add(row.file() + ": the message does not name the file: " + message);
            } else if (!row.expected().matcher(message).find()) {
                failures.add(row.file() + ": expected /" + row.expected() + "/ in: " + message);
            }
        }
        assertEquals(List.of(), failures);
        // the manifest covers every reader
        for (String kind : List.of("idx", "csv", "safetensors", "checkpoint")) {
            assertTrue(rows.stream().anyMatch(r -> r.reader().startsWith(kind)), kind);
        }
    }

    /** A damaged checkpoint's message may name the damaged file inside the checkpoint folder instead. */
    private static String checkpointFile(Row row) {
        String[] words = row.reader().split(" ");
        return words.length > 1 && words[1].contains(".") ? words[1] : "\u0000";
    }

    private void read(Row row) throws Exception {
        String reader = row.reader();
        if (reader.equals("idx")) {
            Idx.read(corpus().resolve(row.file()));
        } else if (reader.startsWith("csv:")) {
            String[] label = reader.substring(4).split("=");
            Csv.Spec spec = label.length == 2 ? Csv.spec().classIndex(label[0], Integer.parseInt(label[1]))
                    : Csv.spec().classIndex(label[0]);
            Csv.read(corpus().resolve(row.file()), spec);
        } else if (reader.equals("safetensors")) {
            Safetensors.read(corpus().resolve(row.file()));
        } else if (reader.startsWith("checkpoint:")) {
            damagedCheckpoint(row.file(), reader.substring("checkpoint:".length()));
        } else {
            fail("unknown reader '" + reader + "' in the manifest");
        }
    }

    private static Module model(int hidden) {
        Random rng = new Random(1);
        return new Sequential(new Linear(3, hidden, rng), BatchNorm.oneD(hidden), Activation.tanh(),
                new Linear(hidden, 2, rng));
    }

    /** Writes a valid checkpoint named {@code name}, damages it as {@code damage} says, and reads it back. */
    private void damagedCheckpoint(String name, String damage) throws IOException {
        Path dir = tmp.resolve(name);
        Module m = model(5);
        Optimizer opt = CheckpointTest.optimizer(m);
        CheckpointTest.step(m, opt, 0);
        Checkpoints.write(dir, Checkpoint.builder(m.stateDict()).optimizer(opt.stateDict()).position(1, 1, 0).build());
        String[] words = damage.split(" ", 2);
        Path file = words.length > 1 ? dir.resolve(words[1]) : dir;
        switch (words[0]) {
            case "absent" -> AtomicFiles.deleteTree(dir);
            case "delete" -> Files.delete(file);
            case "flip" -> {
                byte[] b = Files.readAllBytes(file);
                b[b.length - 3] ^= 0x40;
                Files.write(file, b);
            }
            case "truncate" -> {
                byte[] b = Files.readAllBytes(file);
                Files.write(file, java.util.Arrays.copyOf(b, b.length / 2));
            }
            case "version" -> {
                Path meta = dir.resolve(Checkpoints.METADATA);
                String json = Files.readString(meta);
                Files.writeString(meta, json.replaceFirst("\"formatVersion\": *1", "\"formatVersion\": " + words[1]));
            }
            case "restore" -> {
                Module other = model(4);
                Map<String, float[]> before = new LinkedHashMap<>();
                other.stateDict().forEach((k, v) -> before.put(k, v.data().clone()));
                try {
                    Checkpoints.restore(Checkpoints.read(dir), dir.toString(), other, null, null);
                } finally {
                    // all or nothing: a checkpoint that does not fit changes nothing
                    other.stateDict().forEach((k, v) -> assertArrayEquals(before.get(k), v.data(), k));
                }
                return;
            }
            default -> fail("unknown damage '" + damage + "'");
        }
        assertFalse(words[0].equals("absent") && Files.exists(dir));
        Checkpoints.read(dir);
    }

    @Test
    void theCorpusFilesAreReallyThere() throws Exception {
        for (Row r : manifest()) {
            if (!r.reader().startsWith("checkpoint:")) {
                assertTrue(Files.isRegularFile(corpus().resolve(r.file())), r.file());
            }
        }
        Tensor ok = Idx.read(writeValidIdx());
        assertEquals(4, ok.size());
    }

    /** A well-formed IDX file next to the corpus' broken ones: the reader is not refusing everything. */
    private Path writeValidIdx() throws IOException {
        Path f = tmp.resolve("valid.idx");
        Files.write(f, new byte[] {0, 0, 8, 1, 0, 0, 0, 4, 1, 2, 3, 4});
        return f;
    }
}
