package polyhead.samples.pytorch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.data.Vocabulary;
import polyhead.datasets.Brown;
import polyhead.io.Json;

/**
 * The Brown sample's data as {@code samples/pytorch/brown_bilstm.py} must reproduce it, written to
 * {@code samples/data/brown/split-seed42.json}: the documents of each part of {@link Brown#split} with seed 42, the
 * label orders of {@link Brown#load} (a label's id is its position), and the vocabulary rule with a digest of its
 * tokens, so that the script can check that its own vocabulary (training part only, minimum count 2, ids by
 * decreasing count then by word, after {@code <pad>} 0 and {@code <unk>} 1) is Polyhead's, id for id.
 * {@code BrownSplitFileTest} checks that the committed file is what this class writes.
 *
 * <p>Run from the repository root to write it again: {@code java -cp <samples classpath>
 * polyhead.samples.pytorch.BrownSplitFile [FILE]}.
 */
public final class BrownSplitFile {
    /** The protocol's split seed and minimum count. */
    public static final long SEED = 42;
    public static final int MIN_COUNT = 2;
    /** Where the file is committed, from the repository root. */
    public static final Path FILE = Path.of("samples/data/brown/split-seed42.json");

    private BrownSplitFile() {
    }

    /** The file's content for {@code data} (loaded with {@link #SEED} and {@link #MIN_COUNT}). */
    public static String json(Brown.Data data) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("written_by", BrownSplitFile.class.getName());
        root.put("seed", SEED);
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("train", data.split().train());
        split.put("validation", data.split().validation());
        split.put("test", data.split().test());
        root.put("split", split);
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put(Brown.FINE, data.fineTags());
        labels.put(Brown.UNIVERSAL, data.universalTags());
        labels.put(Brown.GENRE, data.genres());
        root.put("labels", labels);
        Vocabulary v = data.vocabulary();
        List<String> tokens = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            tokens.add(v.token(i));
        }
        Map<String, Object> vocabulary = new LinkedHashMap<>();
        vocabulary.put("min_count", v.minCount());
        vocabulary.put("size", v.size());
        vocabulary.put("first", tokens.subList(0, Math.min(20, tokens.size())));
        vocabulary.put("sha256_of_tokens_joined_by_newline", sha256(String.join("\n", tokens)));
        root.put("vocabulary", vocabulary);
        return Json.pretty(root) + "\n";
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required algorithm of every JVM", e);
        }
    }

    /** Writes the file ({@link #FILE}, or the path given) from the shipped corpus. */
    public static void main(String[] args) throws IOException {
        Path out = args.length > 0 ? Path.of(args[0]) : FILE;
        Files.writeString(out, json(Brown.load(null, SEED, MIN_COUNT)));
        System.out.println("wrote " + out);
    }
}
