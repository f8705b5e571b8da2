package polyhead.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.io.FormatException;
import polyhead.io.Json;

/**
 * The tokens a model knows, each with an integer id: {@value #PAD} has id {@value #PAD_ID} (what padded positions
 * hold), {@value #UNK} has id {@value #UNK_ID} (every token not in the vocabulary), and the other tokens follow in
 * order of falling count in the training split, ties broken alphabetically ({@link String#compareTo}), so the same
 * sentences always give the same ids. Built from the training split only, so that validation and test text is
 * unseen (its new words read as {@value #UNK}). Immutable.
 *
 * <p>JSON form ({@link #toJson}, {@link #fromJson}): {@code {"minCount": 2, "tokens": ["<pad>", "<unk>", "the", ...]}}
 * where a token's id is its position.
 */
public final class Vocabulary {
    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final int PAD_ID = 0;
    public static final int UNK_ID = 1;

    private final List<String> tokens;
    private final Map<String, Integer> ids;
    private final int minCount;

    private Vocabulary(List<String> tokens, int minCount) {
        this.tokens = List.copyOf(tokens);
        this.minCount = minCount;
        this.ids = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            Integer before = ids.put(tokens.get(i), i);
            if (before != null) {
                throw new IllegalArgumentException("vocabulary: token '" + tokens.get(i) + "' appears twice (ids "
                        + before + " and " + i + ")");
            }
        }
    }

    /**
     * The vocabulary of the tokens that occur at least {@code minCount} times in {@code sentences} (the training
     * split), plus {@value #PAD} and {@value #UNK}.
     *
     * @throws IllegalArgumentException if minCount &lt; 1 or a sentence holds {@value #PAD} or {@value #UNK} itself
     */
    public static Vocabulary build(Iterable<? extends List<String>> sentences, int minCount) {
        if (minCount < 1) {
            throw new IllegalArgumentException("vocabulary: minimum count must be >= 1, got " + minCount);
        }
        Map<String, Integer> counts = new HashMap<>();
        for (List<String> s : sentences) {
            for (String t : s) {
                if (t.equals(PAD) || t.equals(UNK)) {
                    throw new IllegalArgumentException("vocabulary: the text holds the reserved token '" + t + "'");
                }
                counts.merge(t, 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> kept = new ArrayList<>();
        counts.entrySet().stream().filter(e -> e.getValue() >= minCount).forEach(kept::add);
        kept.sort(Map.Entry.<String, Integer>comparingByValue(Collections.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        List<String> tokens = new ArrayList<>(kept.size() + 2);
        tokens.add(PAD);
        tokens.add(UNK);
        kept.forEach(e -> tokens.add(e.getKey()));
        return new Vocabulary(tokens, minCount);
    }

    /** Number of ids, {@value #PAD} and {@value #UNK} included. */
    public int size() {
        return tokens.size();
    }

    /** The minimum count a token needed in the training split. */
    public int minCount() {
        return minCount;
    }

    /** The id of {@code token}, or {@value #UNK_ID} if it is not in the vocabulary. */
    public int id(String token) {
        return ids.getOrDefault(token, UNK_ID);
    }

    /** Whether {@code token} has an id of its own. */
    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /**
     * The token with id {@code id}.
     *
     * @throws IllegalArgumentException if the id is outside [0, size)
     */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + tokens.size()
                    + " ids");
        }
        return tokens.get(id);
    }

    /** The ids of {@code sentence}'s tokens. */
    public int[] encode(List<String> sentence) {
        int[] out = new int[sentence.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = id(sentence.get(i));
        }
        return out;
    }

    /** The tokens in id order. */
    public List<String> tokens() {
        return tokens;
    }

    /** This vocabulary as JSON (see the class comment). */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("minCount", minCount);
        m.put("tokens", tokens);
        return Json.write(m);
    }

    /**
     * The vocabulary {@link #toJson} wrote.
     *
     * @param source names the text in error messages
     * @throws FormatException naming the source and the field at fault
     */
    public static Vocabulary fromJson(String json, String source) {
        if (!(Json.parse(json, source) instanceof Map<?, ?> m)) {
            throw new FormatException(source + ": a vocabulary is a JSON object");
        }
        if (!(m.get("minCount") instanceof Long min) || min < 1 || min > Integer.MAX_VALUE) {
            throw new FormatException(source + ": vocabulary field 'minCount' must be an integer >= 1, got "
                    + m.get("minCount"));
        }
        if (!(m.get("tokens") instanceof List<?> list)) {
            throw new FormatException(source + ": vocabulary field 'tokens' must be an array of strings");
        }
        List<String> tokens = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String s)) {
                throw new FormatException(source + ": vocabulary field 'tokens[" + i + "]' must be a string, got "
                        + list.get(i));
            }
            tokens.add(s);
        }
        if (tokens.size() < 2 || !tokens.get(PAD_ID).equals(PAD) || !tokens.get(UNK_ID).equals(UNK)) {
            throw new FormatException(source + ": vocabulary field 'tokens' must start with \"" + PAD + "\", \"" + UNK
                    + "\"");
        }
        try {
            return new Vocabulary(tokens, min.intValue());
        } catch (IllegalArgumentException e) {
            throw new FormatException(source + ": " + e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && v.minCount == minCount && v.tokens.equals(tokens);
    }

    @Override
    public int hashCode() {
        return tokens.hashCode() * 31 + minCount;
    }

    @Override
    public String toString() {
        return "Vocabulary(" + tokens.size() + " ids, min count " + minCount + ")";
    }
}
