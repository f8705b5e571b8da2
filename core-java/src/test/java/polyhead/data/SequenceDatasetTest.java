package polyhead.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.tensor.Tensor;

class SequenceDatasetTest {
    /** Sentences of lengths 3, 1, 4 over a vocabulary of 10 ids; tags = id + 10; genre = sentence index. */
    private static SequenceDataset small() {
        List<int[]> tokens = List.of(new int[] {2, 3, 4}, new int[] {5}, new int[] {6, 7, 8, 9});
        List<int[]> tags = new ArrayList<>();
        tokens.forEach(s -> tags.add(Arrays.stream(s).map(x -> x + 10).toArray()));
        return SequenceDataset.of(10, List.of("d:0", "d:1", "d:2"), tokens, Map.of("tag", tags),
                Map.of("genre", new int[] {0, 1, 2}));
    }

    @Test
    void batchPadsToItsLongestSentenceWithMasksAndLengths() {
        Batch b = small().batch(new int[] {1, 0});
        assertArrayEquals(new int[] {2, 3}, b.inputs().shape().dims());
        assertArrayEquals(new float[] {5, 0, 0, 2, 3, 4}, b.inputs().data());
        assertArrayEquals(new int[] {1, 3}, b.lengths());
        assertArrayEquals(new float[] {15, 0, 0, 12, 13, 14}, b.target("tag").data());
        assertArrayEquals(new float[] {1, 0, 0, 1, 1, 1}, b.mask("tag").data());
        assertArrayEquals(new float[] {1, 0}, b.target("genre").data());
        assertArrayEquals(new float[] {1, 1}, b.mask("genre").data());
        assertEquals(4, b.labelCount("tag"));
        assertArrayEquals(new int[] {2, 4}, small().batch(new int[] {2, 1}).inputs().shape().dims());
        assertEquals(List.of("tag", "genre"), small().tasks());
        assertTrue(small().isPerToken("tag"));
    }

    @Test
    void badSentencesGiveOneLineErrorsNamingTheSentence() {
        DataException e = assertThrows(DataException.class, () -> SequenceDataset.of(10, List.of("ca01:0", "ca01:1"),
                List.of(new int[] {2}, new int[0]), Map.of(), Map.of("g", new int[] {0, 0})));
        assertEquals("sequence data: ca01:1 is empty", e.getMessage());
        e = assertThrows(DataException.class, () -> SequenceDataset.of(10, null,
                List.of(new int[] {2, 10}), Map.of(), Map.of("g", new int[] {0})));
        assertEquals("sequence data: sentence 0 has token id 10 at position 1, outside the vocabulary of 10 ids",
                e.getMessage());
        e = assertThrows(DataException.class, () -> SequenceDataset.of(10, null,
                List.of(new int[] {2, 3}), Map.of("tag", List.of(new int[] {1})), Map.of()));
        assertEquals("sequence data: task 'tag' has 1 labels for the 2 tokens of sentence 0", e.getMessage());
        e = assertThrows(DataException.class, () -> SequenceDataset.of(10, null,
                List.of(new int[] {2, 3}), Map.of(), Map.of("g", new int[] {0, 1})));
        assertEquals("sequence data: task 'g' has 2 labels for 1 sentences", e.getMessage());
        e = assertThrows(DataException.class, () -> SequenceDataset.of(10, null,
                List.of(new int[] {2, 3}), Map.of(), Map.of("g", new int[] {-1})));
        assertEquals("sequence data: task 'g' has label -1 in sentence 0 (labels are class ids >= 0)", e.getMessage());
    }

    @Test
    void lengthsThatDisagreeWithTheInputsAreRefused() {
        Tensor x = Tensor.zeros(2, 3);
        DataException e = assertThrows(DataException.class,
                () -> new Batch(x, Map.of(), Map.of(), Map.of(), new int[] {3}));
        assertEquals("batch: 1 lengths for inputs [2, 3] (one per sequence: 2)", e.getMessage());
        e = assertThrows(DataException.class, () -> new Batch(x, Map.of(), Map.of(), Map.of(), new int[] {3, 4}));
        assertEquals("batch: length 4 of sequence 1 is outside [1, 3] for inputs [2, 3]", e.getMessage());
        e = assertThrows(DataException.class, () -> new Batch(x, Map.of(), Map.of(), Map.of(), new int[] {0, 1}));
        assertEquals("batch: length 0 of sequence 0 is outside [1, 3] for inputs [2, 3]", e.getMessage());
        assertNull(new Batch(x, Map.of(), Map.of()).lengths());
    }

    @Test
    void overlongSentencesAreRefusedOrTruncatedWithACount() {
        SequenceDataset d = small();
        DataException e = assertThrows(DataException.class, () -> d.requireMaxLength(3));
        assertEquals("sequence data: d:2 has 4 tokens, over the maximum length 3 (truncate, or raise the maximum)",
                e.getMessage());
        assertEquals(d, d.requireMaxLength(4));
        SequenceDataset.Truncated t = d.truncate(2);
        assertEquals(2, t.truncatedSentences());
        assertArrayEquals(new int[] {6, 7}, t.data().tokens(2));
        assertArrayEquals(new int[] {16, 17}, t.data().tokenLabels("tag", 2));
        assertArrayEquals(new int[] {5}, t.data().tokens(1));
        assertEquals(2, t.data().sequenceLabel("genre", 2));
        assertEquals(0, d.truncate(4).truncatedSentences());
        assertArrayEquals(new int[] {6, 7, 8, 9}, d.tokens(2));
    }

    /** 100 sentences of lengths 1..100 in random order. */
    private static SequenceDataset ramp() {
        List<int[]> tokens = new ArrayList<>();
        int[] order = Dataset.permutation(100, new Random(5));
        for (int k : order) {
            int[] s = new int[k + 1];
            Arrays.fill(s, 2);
            tokens.add(s);
        }
        int[] g = new int[100];
        return SequenceDataset.of(3, null, tokens, Map.of(), Map.of("g", g));
    }

    private static List<int[]> epochLengths(BatchSource src, long seed) {
        List<int[]> out = new ArrayList<>();
        Iterator<List<Batch>> it = src.epoch(new Random(seed));
        while (it.hasNext()) {
            out.add(it.next().get(0).lengths());
        }
        return out;
    }

    /**
     * Bucketing with pools of 5 batches of 8: every sentence once per epoch; within a pool the lengths are sorted, so
     * each full batch spans far fewer lengths than a shuffled batch does; the same seed gives the same epoch.
     */
    @Test
    void bucketingGroupsSimilarLengthsDeterministically() {
        SequenceDataset d = ramp();
        BatchSource bucketed = Batching.bucketed(d, 8, 5, false);
        assertEquals(13, bucketed.stepsPerEpoch());
        List<int[]> epoch = epochLengths(bucketed, 1);
        assertEquals(13, epoch.size());
        int[] all = epoch.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertArrayEquals(java.util.stream.IntStream.rangeClosed(1, 100).toArray(), all);
        assertEquals(4, epoch.get(12).length);
        int bucketedSpread = 0;
        for (int[] l : epoch.subList(0, 12)) {
            bucketedSpread += Arrays.stream(l).max().getAsInt() - Arrays.stream(l).min().getAsInt();
        }
        int shuffledSpread = 0;
        for (int[] l : epochLengths(Batching.shuffled(d, 8, true), 1)) {
            shuffledSpread += Arrays.stream(l).max().getAsInt() - Arrays.stream(l).min().getAsInt();
        }
        // a pool of 40 of the 100 lengths sorted into 5 batches: a batch spans about 100/40·7 ≈ 18 lengths, a
        // shuffled batch of 8 about 100·7/9 ≈ 78
        assertTrue(bucketedSpread * 3 < shuffledSpread, bucketedSpread + " vs " + shuffledSpread);
        List<int[]> again = epochLengths(bucketed, 1);
        for (int i = 0; i < epoch.size(); i++) {
            assertArrayEquals(epoch.get(i), again.get(i));
        }
        assertNotEquals(Arrays.toString(epoch.get(0)), Arrays.toString(epochLengths(bucketed, 2).get(0)));
        assertEquals(12, Batching.bucketed(d, 8, 5, true).stepsPerEpoch());
        assertEquals(12, epochLengths(Batching.bucketed(d, 8, 5, true), 1).size());
    }

    @Test
    void sequentialBatchesKeepTheOrderAndCarryLengths() {
        List<int[]> lengths = epochLengths(Batching.sequential(small(), 2), 0);
        assertEquals(2, lengths.size());
        assertArrayEquals(new int[] {3, 1}, lengths.get(0));
        assertArrayEquals(new int[] {4}, lengths.get(1));
    }

    /** Batches of fixed-size data, also when split per task, have no lengths. */
    @Test
    void multiSourceBatchesCarryNoLengthsForFixedSizeData() {
        Dataset d = Dataset.of(Tensor.zeros(4, 2), Map.of("t", Tensor.zeros(4)));
        Batch b = Batching.multiSource(Map.of("t", d), 2).epoch(new Random(0)).next().get(0);
        assertNull(b.lengths());
    }
}
