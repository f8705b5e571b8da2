package polyhead.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.data.Batch;
import polyhead.data.DataException;
import polyhead.data.SequenceDataset;
import polyhead.data.Vocabulary;

class BrownTest {
    private static final Path SHIPPED = Path.of("../samples/data/brown");
    /** Parsed once for the class: 1.16 M tokens. */
    private static Brown.Data data;

    @BeforeAll
    static void load() {
        data = Brown.load(SHIPPED, 42, 1);
    }

    /**
     * The corpus's known size: 500 documents in 15 genres (the package's cats.txt), 57,340 sentences and 1,161,192
     * tokens with punctuation (the counts NLTK's copy of the same form C corpus gives), 472 distinct tags.
     */
    @Test
    void readsTheWholeCorpus() {
        Brown.Corpus c = data.corpus();
        assertEquals(500, c.genreOf().size());
        assertEquals(15, c.genres().size());
        assertEquals(57_340, c.sentences().size());
        assertEquals(1_161_192, c.tokenCount());
        assertEquals(472, data.fineTags().size());
        assertEquals(List.of(".", "ADJ", "ADP", "ADV", "CONJ", "DET", "NOUN", "NUM", "PRON", "PRT", "VERB", "X"),
                data.universalTags());
        Brown.Sentence first = c.sentences().get(0);
        assertEquals("ca01:1", first.name());
        assertEquals(List.of("The", "Fulton", "County"), first.words().subList(0, 3));
        assertEquals(List.of("at", "np-tl", "nn-tl"), first.fineTags().subList(0, 3));
        assertEquals(List.of("DET", "NOUN", "NOUN"), first.universalTags().subList(0, 3));
        assertEquals("news", c.genreOf().get("ca01"));
    }

    /**
     * Every token's universal tag is the map's value for its upper-cased tag, the map read here independently; and
     * the suffixed and compound tags take the map's own entries.
     */
    @Test
    void appliesPetrovsMappingToEveryToken() throws IOException {
        Map<String, String> map = new HashMap<>();
        for (String line : Files.readAllLines(SHIPPED.resolve("en-brown.map"))) {
            String[] f = line.split("\t");
            map.put(f[0], f[1]);
        }
        Map<String, String> seen = new HashMap<>();
        for (Brown.Sentence s : data.corpus().sentences()) {
            for (int i = 0; i < s.fineTags().size(); i++) {
                String fine = s.fineTags().get(i);
                String expected = map.get(fine.toUpperCase(Locale.ROOT));
                if (!s.universalTags().get(i).equals(expected)) {
                    assertEquals(expected, s.universalTags().get(i), s.name() + " " + fine);
                }
                seen.put(fine, s.universalTags().get(i));
            }
        }
        assertEquals("PRT", seen.get("pps+bez"));
        assertEquals("VERB", seen.get("dod*"));
        assertEquals("NOUN", seen.get("np-tl"));
        assertEquals("X", seen.get("fw-in+nn"));
        assertEquals("ADV", seen.get("*"));
        assertEquals(".", seen.get("."));
    }

    /**
     * The split is by document, stratified by genre; the sizes below are those stated in {@link Brown}'s Javadoc.
     */
    @Test
    void splitsByDocumentWithoutLeakage() {
        Brown.Split split = data.split();
        Set<String> all = new HashSet<>();
        all.addAll(split.train());
        all.addAll(split.validation());
        all.addAll(split.test());
        assertEquals(500, all.size());
        assertEquals(500, split.train().size() + split.validation().size() + split.test().size());
        for (SequenceDataset d : List.of(data.validation(), data.test())) {
            for (int i = 0; i < d.size(); i++) {
                String doc = d.name(i).substring(0, d.name(i).indexOf(':'));
                assertFalse(split.train().contains(doc), d.name(i));
            }
        }
        for (List<String> part : List.of(split.train(), split.validation(), split.test())) {
            assertEquals(15, part.stream().map(data.corpus().genreOf()::get).distinct().count());
        }
        assertEquals(List.of(396, 52, 52), List.of(split.train().size(), split.validation().size(),
                split.test().size()));
        assertEquals(List.of(45_221L, 919_426L, 6_120L, 121_017L, 5_999L, 120_749L),
                List.of((long) data.train().size(), data.train().tokenCount(), (long) data.validation().size(),
                        data.validation().tokenCount(), (long) data.test().size(), data.test().tokenCount()));
        assertEquals(57_340, data.train().size() + data.validation().size() + data.test().size());
        assertEquals(Brown.split(data.corpus(), 42), split);
        assertFalse(Brown.split(data.corpus(), 43).equals(split));
    }

    /** The vocabulary holds exactly the training part's words: no word seen only in validation or test. */
    @Test
    void vocabularyComesFromTheTrainingSplitOnly() {
        Vocabulary v = data.vocabulary();
        Set<String> trainWords = new HashSet<>();
        Set<String> trainDocs = new HashSet<>(data.split().train());
        data.corpus().sentences().stream().filter(s -> trainDocs.contains(s.document()))
                .forEach(s -> trainWords.addAll(s.words()));
        assertEquals(trainWords.size() + 2, v.size());
        trainWords.forEach(w -> assertTrue(v.contains(w), w));
        int unknownInTest = 0;
        for (int i = 0; i < data.test().size(); i++) {
            for (int id : data.test().tokens(i)) {
                unknownInTest += id == Vocabulary.UNK_ID ? 1 : 0;
            }
        }
        assertTrue(unknownInTest > 0, "the test part has words unseen in training");
    }

    @Test
    void batchesArePaddedWithMasksOverTheRealTokens() {
        SequenceDataset train = data.train();
        Batch b = train.batch(new int[] {0, 1, 2});
        int t = Math.max(train.length(0), Math.max(train.length(1), train.length(2)));
        assertArrayEquals(new int[] {3, t}, b.inputs().shape().dims());
        for (int r = 0; r < 3; r++) {
            assertEquals(train.length(r), b.lengths()[r]);
            int[] fine = train.tokenLabels(Brown.FINE, r);
            for (int j = 0; j < t; j++) {
                boolean real = j < train.length(r);
                assertEquals(real ? 1f : 0f, b.mask(Brown.FINE).data()[r * t + j]);
                assertEquals(real ? 1f : 0f, b.mask(Brown.UNIVERSAL).data()[r * t + j]);
                assertEquals(real ? train.tokens(r)[j] : Vocabulary.PAD_ID, (int) b.inputs().data()[r * t + j]);
                if (real) {
                    assertEquals(fine[j], (int) b.target(Brown.FINE).data()[r * t + j]);
                }
            }
            assertEquals(train.sequenceLabel(Brown.GENRE, r), (int) b.target(Brown.GENRE).data()[r]);
        }
        String firstDoc = train.name(0).substring(0, 4);
        assertEquals(data.genres().indexOf(data.corpus().genreOf().get(firstDoc)),
                train.sequenceLabel(Brown.GENRE, 0));
    }

    @Test
    void badFilesGiveOneLineErrorsNamingFileAndLine(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("en-brown.map"), "AT\tDET\nNN\tNOUN\n");
        Files.writeString(dir.resolve("cats.txt"), "ca01 news\n");
        gzip(dir.resolve("ca01.gz"), "\n\tThe/at dog/nn\n\n\tA/at cat/zz\n");
        DataException e = assertThrows(DataException.class, () -> Brown.read(dir));
        assertEquals(dir.resolve("ca01.gz") + " line 4: tag 'zz' of 'cat/zz' is not in en-brown.map", e.getMessage());
        gzip(dir.resolve("ca01.gz"), "\tThe/at dog\n");
        e = assertThrows(DataException.class, () -> Brown.read(dir));
        assertEquals(dir.resolve("ca01.gz") + " line 1: token 'dog' is not word/tag", e.getMessage());
        gzip(dir.resolve("ca01.gz"), "\tThe/at dog/nn\n");
        assertEquals(1, Brown.read(dir).sentences().size());
        Files.delete(dir.resolve("ca01.gz"));
        e = assertThrows(DataException.class, () -> Brown.read(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("ca01.gz") + ": cannot read"), e.getMessage());
    }

    private static void gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
