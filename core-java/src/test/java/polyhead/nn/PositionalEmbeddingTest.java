package polyhead.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * {@link SinusoidalPositionalEncoding} against the table of Vaswani et al. 2017 as PyTorch's Transformer tutorial
 * computes it (positional_encoding.json, generate_sequence_reference.py; 1e-6 absolute: the values are in [−1, 1]
 * and rounded to float once), and {@link LearnedPositionalEmbedding}: what it adds, its gradients, its length check.
 */
class PositionalEmbeddingTest {
    @Test
    void sinusoidalTableMatchesTheReference() {
        Map<String, Object> cases = Fixtures.object(
                Fixtures.load("/reference/positional_encoding.json").get("cases"), "cases");
        assertEquals(2, cases.size());
        cases.forEach((name, c) -> {
            int length = (int) Fixtures.number(Fixtures.get(c, "length"), "length");
            int dim = (int) Fixtures.number(Fixtures.get(c, "dim"), "dim");
            Tensor expected = Fixtures.tensor(Fixtures.get(c, "float64"));
            assertArrayEquals(expected.data(), SinusoidalPositionalEncoding.table(length, dim).data(), 1e-6f, name);
        });
    }

    @Test
    void sinusoidalAddsTheTableToEverySequence() {
        Tensor x = Tensor.randn(1, 2, 5, 4);
        Var y = new SinusoidalPositionalEncoding(4).call(Var.parameter(x));
        Tensor pe = SinusoidalPositionalEncoding.table(5, 4);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 5; t++) {
                for (int f = 0; f < 4; f++) {
                    assertEquals(x.get(b, t, f) + pe.get(t, f), y.value().get(b, t, f), 1e-6f);
                }
            }
        }
        // position 0: sin 0 = 0 and cos 0 = 1; position 1, column 0: sin 1
        assertArrayEquals(new float[] {0, 1, 0, 1}, new float[] {pe.get(0, 0), pe.get(0, 1), pe.get(0, 2),
            pe.get(0, 3)}, 0f);
        assertEquals(Math.sin(1), pe.get(1, 0), 1e-7);
        assertTrue(new SinusoidalPositionalEncoding(4).namedParameters().isEmpty());
        ShapeException e = assertThrows(ShapeException.class,
                () -> new SinusoidalPositionalEncoding(4).call(Var.constant(Tensor.zeros(2, 5, 3))));
        assertEquals("in SinusoidalPositionalEncoding: positional encoding: input must be [B, T, 4], got [2, 5, 3]",
                e.getMessage());
    }

    @Test
    void learnedAddsItsRowsAndTrainsThem() {
        LearnedPositionalEmbedding pos = new LearnedPositionalEmbedding(6, 3, new Random(8));
        Tensor x = Tensor.randn(2, 2, 4, 3);
        Var y = pos.call(Var.constant(x));
        Tensor w = pos.weight().value();
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 4; t++) {
                for (int f = 0; f < 3; f++) {
                    assertEquals(x.get(b, t, f) + w.get(t, f), y.value().get(b, t, f), 1e-6f);
                }
            }
        }
        // d sum(y) / d weight: the batch size at the 4 used positions, 0 at the 2 unused ones
        y.sum().backward();
        assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0},
                pos.weight().grad().data(), 0f);
        // the table and the input, by finite differences (the table enters as a function argument here)
        GradCheck.assertGradients(v -> v[0].add(v[1].slice(0, 0, 4)), Tensor.randn(3, 2, 4, 3), w);
        assertEquals("weight", pos.namedParameters().keySet().iterator().next());
    }

    @Test
    void learnedRefusesSequencesLongerThanTheTable() {
        LearnedPositionalEmbedding pos = new LearnedPositionalEmbedding(4, 3, new Random(0));
        ShapeException e = assertThrows(ShapeException.class, () -> pos.call(Var.constant(Tensor.zeros(2, 5, 3))));
        assertEquals("in LearnedPositionalEmbedding: positional embedding: input [2, 5, 3] has 5 positions, more than"
                + " max_length 4 (weight [4, 3])", e.getMessage());
        ShapeException f = assertThrows(ShapeException.class, () -> pos.call(Var.constant(Tensor.zeros(2, 3, 2))));
        assertEquals("in LearnedPositionalEmbedding: positional embedding: input must be [B, T, 3], got [2, 3, 2]",
                f.getMessage());
    }
}
