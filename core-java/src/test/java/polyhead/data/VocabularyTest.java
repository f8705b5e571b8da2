package polyhead.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import polyhead.io.FormatException;

class VocabularyTest {
    private static final List<List<String>> TRAIN = List.of(
            List.of("the", "cat", "sat", "on", "the", "mat"),
            List.of("a", "cat", "and", "a", "dog"),
            List.of("the", "dog", "ran"));

    /** Counts: the 3, a 2, cat 2, dog 2, and/mat/on/ran/sat 1; ties alphabetical, after <pad> and <unk>. */
    @Test
    void ordersByFallingCountThenAlphabeticallyAfterPadAndUnknown() {
        Vocabulary v = Vocabulary.build(TRAIN, 1);
        assertEquals(List.of("<pad>", "<unk>", "the", "a", "cat", "dog", "and", "mat", "on", "ran", "sat"), v.tokens());
        assertEquals(Vocabulary.PAD_ID, v.id("<pad>"));
        assertEquals(Vocabulary.UNK_ID, v.id("zebra"));
        assertFalse(v.contains("zebra"));
        assertArrayEquals(new int[] {2, 5, 1}, v.encode(List.of("the", "dog", "zebra")));
        assertEquals("cat", v.token(4));
    }

    @Test
    void minimumCountDropsRareTokensToUnknown() {
        Vocabulary v = Vocabulary.build(TRAIN, 2);
        assertEquals(List.of("<pad>", "<unk>", "the", "a", "cat", "dog"), v.tokens());
        assertEquals(Vocabulary.UNK_ID, v.id("sat"));
        assertEquals(2, v.minCount());
    }

    /** The order of the sentences does not change the ids. */
    @Test
    void idsDoNotDependOnSentenceOrder() {
        assertEquals(Vocabulary.build(TRAIN, 1),
                Vocabulary.build(List.of(TRAIN.get(2), TRAIN.get(0), TRAIN.get(1)), 1));
    }

    @Test
    void jsonRoundTripsExactly() {
        Vocabulary v = Vocabulary.build(TRAIN, 2);
        String json = v.toJson();
        assertEquals("{\"minCount\":2,\"tokens\":[\"<pad>\",\"<unk>\",\"the\",\"a\",\"cat\",\"dog\"]}", json);
        assertEquals(v, Vocabulary.fromJson(json, "vocab.json"));
    }

    @Test
    void badJsonAndBadArgumentsGiveOneLineErrors() {
        FormatException e = assertThrows(FormatException.class,
                () -> Vocabulary.fromJson("{\"minCount\":1,\"tokens\":[\"the\",\"<unk>\"]}", "vocab.json"));
        assertEquals("vocab.json: vocabulary field 'tokens' must start with \"<pad>\", \"<unk>\"", e.getMessage());
        e = assertThrows(FormatException.class,
                () -> Vocabulary.fromJson("{\"minCount\":1,\"tokens\":[\"<pad>\",\"<unk>\",\"a\",\"a\"]}", "v.json"));
        assertEquals("v.json: vocabulary: token 'a' appears twice (ids 2 and 3)", e.getMessage());
        e = assertThrows(FormatException.class,
                () -> Vocabulary.fromJson("{\"minCount\":0,\"tokens\":[]}", "v.json"));
        assertTrue(e.getMessage().startsWith("v.json: vocabulary field 'minCount' must be an integer >= 1"));
        e = assertThrows(FormatException.class,
                () -> Vocabulary.fromJson("{\"minCount\":1,\"tokens\":[\"<pad>\",\"<unk>\",3]}", "v.json"));
        assertEquals("v.json: vocabulary field 'tokens[2]' must be a string, got 3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.build(TRAIN, 0));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.build(List.of(List.of("<unk>")), 1));
        IllegalArgumentException ie = assertThrows(IllegalArgumentException.class,
                () -> Vocabulary.build(TRAIN, 1).token(11));
        assertEquals("token id 11 is outside the vocabulary of 11 ids", ie.getMessage());
    }
}
