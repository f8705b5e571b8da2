package polyhead.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;

/**
 * Sequences of token ids (sentences) of different lengths with their labels, held in memory: per-token tasks (a
 * class id per token, e.g. a part-of-speech tag) and per-sequence tasks (a class id per sentence, e.g. its genre).
 * Each sentence has a name for error messages ({@code "ca01:3"}, or {@code "sentence 3"} when none is given).
 * Immutable; {@link #batch} pads a selection to its longest sentence, and {@link Batching} cuts a dataset into
 * such batches (in order, shuffled, or bucketed by length).
 *
 * <p>Checked when built, each fault in one line naming the sentence: an empty sentence, a token id outside
 * [0, vocabulary size), a per-token task whose labels do not number the sentence's tokens, a negative label.
 * Length limits are never applied silently: {@link #requireMaxLength} refuses an overlong sentence, and
 * {@link #truncate} cuts sentences and reports how many it cut.
 */
public final class SequenceDataset {
    private final int vocabularySize;
    private final List<String> names;
    private final int[][] tokens;
    private final Map<String, int[][]> tokenTargets;
    private final Map<String, int[]> sequenceTargets;

    private SequenceDataset(int vocabularySize, List<String> names, int[][] tokens, Map<String, int[][]> tokenTargets,
                            Map<String, int[]> sequenceTargets) {
        this.vocabularySize = vocabularySize;
        this.names = names;
        this.tokens = tokens;
        this.tokenTargets = Collections.unmodifiableMap(tokenTargets);
        this.sequenceTargets = Collections.unmodifiableMap(sequenceTargets);
    }

    /**
     * A checked dataset (the arrays are copied).
     *
     * @param vocabularySize ids run over [0, vocabularySize); padding uses {@link Vocabulary#PAD_ID}
     * @param names          one name per sentence for error messages, or null for "sentence i"
     * @param tokens         the token ids of each sentence
     * @param tokenTargets   per-token task → each sentence's labels (as many as its tokens)
     * @param sequenceTargets per-sequence task → one label per sentence
     * @throws DataException naming the sentence (and task) at fault
     */
    public static SequenceDataset of(int vocabularySize, List<String> names, List<int[]> tokens,
                                     Map<String, List<int[]>> tokenTargets, Map<String, int[]> sequenceTargets) {
        int n = tokens.size();
        if (vocabularySize < 2) {
            throw new IllegalArgumentException("sequence data: vocabulary size must be >= 2 (padding and unknown), got "
                    + vocabularySize);
        }
        if (tokenTargets.isEmpty() && sequenceTargets.isEmpty()) {
            throw new IllegalArgumentException("sequence data needs at least one task");
        }
        List<String> nm = new ArrayList<>(n);
        if (names != null && names.size() != n) {
            throw new DataException("sequence data: " + names.size() + " names for " + n + " sentences");
        }
        for (int i = 0; i < n; i++) {
            nm.add(names == null ? "sentence " + i : names.get(i));
        }
        int[][] tk = new int[n][];
        for (int i = 0; i < n; i++) {
            int[] s = tokens.get(i);
            if (s.length == 0) {
                throw new DataException("sequence data: " + nm.get(i) + " is empty");
            }
            for (int j = 0; j < s.length; j++) {
                if (s[j] < 0 || s[j] >= vocabularySize) {
                    throw new DataException("sequence data: " + nm.get(i) + " has token id " + s[j] + " at position "
                            + j + ", outside the vocabulary of " + vocabularySize + " ids");
                }
            }
            tk[i] = s.clone();
        }
        Map<String, int[][]> tt = new LinkedHashMap<>();
        tokenTargets.forEach((task, labels) -> {
            if (labels.size() != n) {
                throw new DataException("sequence data: task '" + task + "' has labels for " + labels.size()
                        + " sentences, the data has " + n);
            }
            int[][] l = new int[n][];
            for (int i = 0; i < n; i++) {
                int[] li = labels.get(i);
                if (li.length != tk[i].length) {
                    throw new DataException("sequence data: task '" + task + "' has " + li.length + " labels for the "
                            + tk[i].length + " tokens of " + nm.get(i));
                }
                checkLabels(task, li, nm.get(i));
                l[i] = li.clone();
            }
            tt.put(task, l);
        });
        Map<String, int[]> st = new LinkedHashMap<>();
        sequenceTargets.forEach((task, labels) -> {
            if (tt.containsKey(task)) {
                throw new IllegalArgumentException("sequence data: task '" + task + "' is both per-token and per-sequence");
            }
            if (labels.length != n) {
                throw new DataException("sequence data: task '" + task + "' has " + labels.length + " labels for "
                        + n + " sentences");
            }
            for (int i = 0; i < n; i++) {
                checkLabels(task, new int[] {labels[i]}, nm.get(i));
            }
            st.put(task, labels.clone());
        });
        return new SequenceDataset(vocabularySize, List.copyOf(nm), tk, tt, st);
    }

    private static void checkLabels(String task, int[] labels, String name) {
        for (int label : labels) {
            if (label < 0) {
                throw new DataException("sequence data: task '" + task + "' has label " + label + " in " + name
                        + " (labels are class ids >= 0)");
            }
        }
    }

    /** Number of sentences. */
    public int size() {
        return tokens.length;
    }

    public int vocabularySize() {
        return vocabularySize;
    }

    /** Tokens of sentence i. */
    public int length(int i) {
        return tokens[i].length;
    }

    /** The longest sentence's tokens. */
    public int maxLength() {
        int m = 0;
        for (int[] s : tokens) {
            m = Math.max(m, s.length);
        }
        return m;
    }

    /** Tokens in all sentences. */
    public long tokenCount() {
        long c = 0;
        for (int[] s : tokens) {
            c += s.length;
        }
        return c;
    }

    /** The name of sentence i in error messages. */
    public String name(int i) {
        return names.get(i);
    }

    /** Task names: the per-token tasks, then the per-sequence tasks, each in the order given. */
    public List<String> tasks() {
        List<String> t = new ArrayList<>(tokenTargets.keySet());
        t.addAll(sequenceTargets.keySet());
        return t;
    }

    /** Whether {@code task} labels each token (else it labels each sentence). */
    public boolean isPerToken(String task) {
        if (!tokenTargets.containsKey(task) && !sequenceTargets.containsKey(task)) {
            throw new IllegalArgumentException("sequence data has no task '" + task + "'; tasks: " + tasks());
        }
        return tokenTargets.containsKey(task);
    }

    /** The token ids of sentence i (a copy). */
    public int[] tokens(int i) {
        return tokens[i].clone();
    }

    /** The labels of sentence i's tokens for a per-token task (a copy). */
    public int[] tokenLabels(String task, int i) {
        int[][] l = tokenTargets.get(task);
        if (l == null) {
            throw new IllegalArgumentException("sequence data has no per-token task '" + task + "'; per-token tasks: "
                    + tokenTargets.keySet());
        }
        return l[i].clone();
    }

    /** The label of sentence i for a per-sequence task. */
    public int sequenceLabel(String task, int i) {
        int[] l = sequenceTargets.get(task);
        if (l == null) {
            throw new IllegalArgumentException("sequence data has no per-sequence task '" + task
                    + "'; per-sequence tasks: " + sequenceTargets.keySet());
        }
        return l[i];
    }

    /**
     * This dataset, unchanged, if no sentence is longer than {@code maxLength} tokens.
     *
     * @throws DataException naming the first longer sentence and its length
     */
    public SequenceDataset requireMaxLength(int maxLength) {
        checkMaxLength(maxLength);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].length > maxLength) {
                throw new DataException("sequence data: " + names.get(i) + " has " + tokens[i].length
                        + " tokens, over the maximum length " + maxLength + " (truncate, or raise the maximum)");
            }
        }
        return this;
    }

    /** A dataset with each sentence cut to its first {@code maxLength} tokens, and how many sentences were cut. */
    public record Truncated(SequenceDataset data, int truncatedSentences) {
    }

    /**
     * Every sentence cut to its first {@code maxLength} tokens (and its per-token labels with it); the count of
     * sentences cut is returned with the data so that a caller reports it.
     */
    public Truncated truncate(int maxLength) {
        checkMaxLength(maxLength);
        int cut = 0;
        int[][] tk = new int[tokens.length][];
        Map<String, int[][]> tt = new LinkedHashMap<>();
        tokenTargets.keySet().forEach(t -> tt.put(t, new int[tokens.length][]));
        for (int i = 0; i < tokens.length; i++) {
            int len = Math.min(maxLength, tokens[i].length);
            cut += len < tokens[i].length ? 1 : 0;
            tk[i] = Arrays.copyOf(tokens[i], len);
            for (Map.Entry<String, int[][]> e : tokenTargets.entrySet()) {
                tt.get(e.getKey())[i] = Arrays.copyOf(e.getValue()[i], len);
            }
        }
        return new Truncated(new SequenceDataset(vocabularySize, names, tk, tt, new LinkedHashMap<>(sequenceTargets)),
                cut);
    }

    private static void checkMaxLength(int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maximum sequence length must be >= 1, got " + maxLength);
        }
    }

    /**
     * This dataset with only {@code tasks}' labels, each keeping its kind (per token or per sequence), in the order
     * of the data; the sentences are shared, not copied.
     *
     * @throws IllegalArgumentException naming a task the data does not have
     */
    public SequenceDataset selectTasks(List<String> tasks) {
        Map<String, int[][]> tt = new LinkedHashMap<>();
        Map<String, int[]> st = new LinkedHashMap<>();
        for (String t : tasks) {
            isPerToken(t); // fails naming an unknown task
        }
        tokenTargets.forEach((t, l) -> {
            if (tasks.contains(t)) {
                tt.put(t, l);
            }
        });
        sequenceTargets.forEach((t, l) -> {
            if (tasks.contains(t)) {
                st.put(t, l);
            }
        });
        return new SequenceDataset(vocabularySize, names, tokens, tt, st);
    }

    /** A training part and a held-out validation part of the sentences. */
    public record Split(SequenceDataset train, SequenceDataset validation) {
    }

    /**
     * The sentences split as {@link Dataset#split} splits rows: a permutation drawn with {@code seed}, its first
     * ⌊n·fraction⌋ sentences held out for validation, each part in the data's order.
     *
     * @throws DataException if a part would be empty, naming the fraction and the count
     */
    public Split split(double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + validationFraction);
        }
        int n = size();
        int held = (int) Math.floor(n * validationFraction);
        if (held < 1 || held >= n) {
            throw new DataException("validation fraction " + validationFraction + " "
                    + Dataset.tooFewRows(validationFraction, n, "validation") + " or drop the split");
        }
        int[] order = Dataset.permutation(n, new java.util.Random(seed));
        int[] v = Arrays.copyOfRange(order, 0, held);
        int[] t = Arrays.copyOfRange(order, held, n);
        Arrays.sort(v);
        Arrays.sort(t);
        return new Split(rows(t), rows(v));
    }

    /** The dataset of sentences {@code idx}, in that order. */
    public SequenceDataset rows(int[] idx) {
        List<String> nm = new ArrayList<>(idx.length);
        int[][] tk = new int[idx.length][];
        Map<String, int[][]> tt = new LinkedHashMap<>();
        Map<String, int[]> st = new LinkedHashMap<>();
        tokenTargets.keySet().forEach(t -> tt.put(t, new int[idx.length][]));
        sequenceTargets.keySet().forEach(t -> st.put(t, new int[idx.length]));
        for (int r = 0; r < idx.length; r++) {
            int i = idx[r];
            nm.add(names.get(i));
            tk[r] = tokens[i];
            for (Map.Entry<String, int[][]> e : tokenTargets.entrySet()) {
                tt.get(e.getKey())[r] = e.getValue()[i];
            }
            for (Map.Entry<String, int[]> e : sequenceTargets.entrySet()) {
                st.get(e.getKey())[r] = e.getValue()[i];
            }
        }
        // the rows are never written, so sharing them is safe
        return new SequenceDataset(vocabularySize, List.copyOf(nm), tk, tt, st);
    }

    /**
     * The batch of sentences {@code idx}, padded to the longest of them (T): inputs [B, T] of token ids with
     * {@link Vocabulary#PAD_ID} after each sentence's end, lengths [B]; a per-token task's targets [B, T] (0 at
     * padding) and mask [B, T] (1 at a sentence's tokens, 0 at padding); a per-sequence task's targets [B] and mask
     * [B] of ones.
     */
    public Batch batch(int[] idx) {
        int b = idx.length;
        if (b == 0) {
            throw new IllegalArgumentException("sequence data: a batch needs at least one sentence");
        }
        int[] lengths = new int[b];
        int t = 0;
        for (int r = 0; r < b; r++) {
            lengths[r] = tokens[idx[r]].length;
            t = Math.max(t, lengths[r]);
        }
        Map<String, Tensor> targets = new LinkedHashMap<>();
        Map<String, Tensor> masks = new LinkedHashMap<>();
        float[] mask = new float[b * t];
        for (int r = 0; r < b; r++) {
            Arrays.fill(mask, r * t, r * t + lengths[r], 1f);
        }
        for (Map.Entry<String, int[][]> e : tokenTargets.entrySet()) {
            targets.put(e.getKey(), padded(e.getValue(), idx, t));
            masks.put(e.getKey(), Tensor.wrap(Shape.of(b, t), mask.clone()));
        }
        for (Map.Entry<String, int[]> e : sequenceTargets.entrySet()) {
            float[] y = new float[b];
            for (int r = 0; r < b; r++) {
                y[r] = e.getValue()[idx[r]];
            }
            targets.put(e.getKey(), Tensor.wrap(Shape.of(b), y));
            masks.put(e.getKey(), Tensor.full(1f, Shape.of(b)));
        }
        return new Batch(padded(tokens, idx, t), targets, masks, Map.of(), lengths);
    }

    /** Rows {@code idx} of {@code rows} as floats [B, t], 0 ({@link Vocabulary#PAD_ID}) after each row's end. */
    private static Tensor padded(int[][] rows, int[] idx, int t) {
        float[] out = new float[idx.length * t];
        for (int r = 0; r < idx.length; r++) {
            int[] row = rows[idx[r]];
            for (int j = 0; j < row.length; j++) {
                out[r * t + j] = row[j];
            }
        }
        return Tensor.wrap(Shape.of(idx.length, t), out);
    }

    @Override
    public String toString() {
        return "SequenceDataset(" + size() + " sentences, " + tokenCount() + " tokens, vocabulary " + vocabularySize
                + ", tasks " + tasks() + ")";
    }
}
