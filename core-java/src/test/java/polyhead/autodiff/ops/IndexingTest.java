package polyhead.autodiff.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static polyhead.autodiff.ops.ShapingTest.assertMessage;

import org.junit.jupiter.api.Test;

import polyhead.autodiff.GradCheck;
import polyhead.autodiff.Var;
import polyhead.tensor.Shape;
import polyhead.tensor.ShapeException;
import polyhead.tensor.Tensor;

class IndexingTest {
    private static final float NAN = Float.NaN;

    // ----- indexSelect -----

    @Test
    void indexSelectPicksSlicesInOrder() {
        Var x = Var.constant(Tensor.arange(3, 2));
        Var rows = Indexing.indexSelect(x, 0, new int[] {2, 0, 2});
        assertEquals(Shape.of(3, 2), rows.shape());
        assertArrayEquals(new float[] {4, 5, 0, 1, 4, 5}, rows.value().data());
        Var cols = Indexing.indexSelect(x, -1, new int[] {1});
        assertArrayEquals(new float[] {1, 3, 5}, cols.value().data());
        assertEquals(Shape.of(0, 2), Indexing.indexSelect(x, 0, new int[0]).shape());

        Tensor t = Tensor.randn(1, 2, 3, 4);
        int[] idx = {2, 0, 2, 1};
        Var y = Indexing.indexSelect(Var.constant(t), 1, idx);
        assertEquals(Shape.of(2, 4, 4), y.shape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < idx.length; j++) {
                for (int k = 0; k < 4; k++) {
                    assertEquals(t.get(i, idx[j], k), y.value().get(i, j, k));
                }
            }
        }
    }

    @Test
    void indexSelectAccumulatesRepeatedIndices() {
        Var x = Var.parameter(Tensor.zeros(3, 2));
        Indexing.indexSelect(x, 0, new int[] {0, 2, 0}).backward(Tensor.of(new float[] {1, 2, 10, 20, 100, 200}, 3, 2));
        assertArrayEquals(new float[] {101, 202, 0, 0, 10, 20}, x.grad().data());
    }

    @Test
    void indexSelectGradients() {
        GradCheck.assertGradients(v -> Indexing.indexSelect(v[0], 0, new int[] {3, 1, 1}), Tensor.randn(2, 4, 3));
        GradCheck.assertGradients(v -> Indexing.indexSelect(v[0], -2, new int[] {2, 0, 2, 2, 1}), Tensor.randn(3, 2, 3, 4));
        GradCheck.assertGradients(v -> Indexing.indexSelect(v[0], 1, new int[] {0, 0, 0}), Tensor.randn(4, 2, 1));
    }

    @Test
    void indexSelectRejectsIndicesOutOfRange() {
        Var x = Var.constant(Tensor.zeros(2, 3));
        assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> Indexing.indexSelect(x, 1, new int[] {0, 3})),
                "indexSelect", "indices[1] = 3", "[0, 3)", "axis 1", "[2, 3]");
        assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> Indexing.indexSelect(x, 0, new int[] {-1})),
                "indexSelect", "indices[0] = -1", "[0, 2)");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Indexing.indexSelect(x, 2, new int[] {0})),
                "indexSelect", "axis 2", "[-2, 2)", "[2, 3]");
    }

    // ----- gather -----

    @Test
    void gatherMatchesTheTorchDocumentationExample() {
        // torch.gather(torch.tensor([[1, 2], [3, 4]]), 1, torch.tensor([[0, 0], [1, 0]])) = [[1, 1], [4, 3]]
        Var t = Var.constant(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        Var y = Indexing.gather(t, 1, Tensor.of(new float[] {0, 0, 1, 0}, 2, 2));
        assertArrayEquals(new float[] {1, 1, 4, 3}, y.value().data());
        // along axis 0: out[i][j] = t[index[i][j]][j]
        Var z = Indexing.gather(t, 0, Tensor.of(new float[] {1, 0, 1, 1, 0, 0}, 3, 2));
        assertArrayEquals(new float[] {3, 2, 3, 4, 1, 2}, z.value().data());
    }

    @Test
    void gatherMatchesANaiveReference() {
        Tensor x = Tensor.randn(5, 3, 4, 5);
        // index smaller than x outside the gathered axis, as torch.gather allows
        Tensor index = Tensor.zeros(2, 6, 3);
        for (int i = 0; i < index.size(); i++) {
            index.data()[i] = (i * 7 + 3) % 4;
        }
        Tensor y = Indexing.gather(Var.constant(x), -2, index).value();
        assertEquals(Shape.of(2, 6, 3), y.shape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 6; j++) {
                for (int k = 0; k < 3; k++) {
                    assertEquals(x.get(i, (int) index.get(i, j, k), k), y.get(i, j, k));
                }
            }
        }
    }

    @Test
    void gatherAccumulatesRepeatedIndices() {
        Var x = Var.parameter(Tensor.zeros(2, 3));
        Tensor index = Tensor.of(new float[] {2, 2, 0, 1, 1, 1}, 2, 3);
        Indexing.gather(x, 1, index).backward(Tensor.of(new float[] {1, 2, 4, 8, 16, 32}, 2, 3));
        assertArrayEquals(new float[] {4, 0, 3, 0, 56, 0}, x.grad().data());
    }

    @Test
    void gatherGradients() {
        GradCheck.assertGradients(v -> Indexing.gather(v[0], 1, Tensor.of(new float[] {2, 2, 0, 1, 1, 1, 0, 2}, 2, 4)),
                Tensor.randn(6, 2, 3));
        GradCheck.assertGradients(v -> Indexing.gather(v[0], 0, Tensor.of(new float[] {1, 0, 1, 1}, 2, 1, 2)),
                Tensor.randn(7, 2, 2, 3));
        GradCheck.assertGradients(v -> Indexing.gather(v[0], -1, Tensor.of(new float[] {0, 0, 0}, 3)),
                Tensor.randn(8, 1));
    }

    @Test
    void gatherErrorsNameShapesAndBadIndices() {
        Var x = Var.constant(Tensor.zeros(2, 3));
        assertMessage(assertThrows(ShapeException.class, () -> Indexing.gather(x, 1, Tensor.zeros(2))),
                "gather", "index shape [2]", "input shape [2, 3]");
        assertMessage(assertThrows(ShapeException.class, () -> Indexing.gather(x, 1, Tensor.zeros(3, 1))),
                "gather", "index shape [3, 1]", "input shape [2, 3]", "axis 0");
        assertMessage(assertThrows(IndexOutOfBoundsException.class,
                () -> Indexing.gather(x, 1, Tensor.of(new float[] {0, 1, 2, 3}, 2, 2))),
                "gather", "index 3", "position [1, 1]", "[2, 2]", "[0, 3)", "axis 1", "[2, 3]");
        assertMessage(assertThrows(IndexOutOfBoundsException.class,
                () -> Indexing.gather(x, 0, Tensor.of(new float[] {-1}, 1, 1))),
                "gather", "index -1", "position [0, 0]", "[0, 2)");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Indexing.gather(x, 1, Tensor.of(new float[] {0, 0.5f}, 1, 2))),
                "gather", "index 0.5", "position [0, 1]", "not an integer", "[0, 3)");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Indexing.gather(x, -3, Tensor.zeros(2, 3))),
                "gather", "axis -3", "[-2, 2)");
    }

    // ----- embedding -----

    @Test
    void embeddingLooksUpRows() {
        Var w = Var.constant(Tensor.arange(4, 3));
        Var e = Indexing.embedding(w, Tensor.of(new float[] {1, 3, 1, 0}, 2, 2));
        assertEquals(Shape.of(2, 2, 3), e.shape());
        assertArrayEquals(new float[] {3, 4, 5, 9, 10, 11, 3, 4, 5, 0, 1, 2}, e.value().data());
        Var one = Indexing.embedding(w, Tensor.scalar(2f));
        assertEquals(Shape.of(3), one.shape());
        assertArrayEquals(new float[] {6, 7, 8}, one.value().data());
    }

    @Test
    void embeddingAccumulatesRepeatedRows() {
        Var w = Var.parameter(Tensor.zeros(4, 2));
        Tensor seed = Tensor.of(new float[] {1, 2, 10, 20, 100, 200}, 3, 2);
        Indexing.embedding(w, Tensor.of(new float[] {3, 0, 3}, 3)).backward(seed);
        assertArrayEquals(new float[] {10, 20, 0, 0, 0, 0, 101, 202}, w.grad().data());
    }

    @Test
    void embeddingSumsRepeatedRowsInDouble() {
        // 2^17 copies of 0.1f: a float running sum drifts to about 13093.6; the double sum rounds to 13107.2
        int n = 1 << 17;
        Var w = Var.parameter(Tensor.zeros(2, 1));
        Indexing.embedding(w, Tensor.zeros(n)).backward(Tensor.full(0.1f, Shape.of(n, 1)));
        assertEquals((float) (n * (double) 0.1f), w.grad().data()[0], 0f);
        assertEquals(0f, w.grad().data()[1], 0f);
    }

    @Test
    void embeddingGradients() {
        GradCheck.assertGradients(v -> Indexing.embedding(v[0], Tensor.of(new float[] {1, 3, 1, 0, 4, 1}, 2, 3)),
                Tensor.randn(9, 5, 3));
        GradCheck.assertGradients(v -> Indexing.embedding(v[0], Tensor.of(new float[] {0, 0}, 2)), Tensor.randn(10, 1, 4));
        GradCheck.assertGradients(v -> Indexing.embedding(v[0], Tensor.scalar(2f)), Tensor.randn(11, 3, 1));
    }

    @Test
    void embeddingErrorsNameValuePositionAndRange() {
        Var w = Var.constant(Tensor.zeros(4, 3));
        assertMessage(assertThrows(IndexOutOfBoundsException.class,
                () -> Indexing.embedding(w, Tensor.of(new float[] {1, 2, 4, 0}, 2, 2))),
                "embedding", "index 4", "position [1, 0]", "[2, 2]", "[0, 4)", "[4, 3]");
        assertMessage(assertThrows(IndexOutOfBoundsException.class,
                () -> Indexing.embedding(w, Tensor.of(new float[] {0, -1}, 2))),
                "embedding", "index -1", "position [1]", "[0, 4)");
        assertMessage(assertThrows(IndexOutOfBoundsException.class,
                () -> Indexing.embedding(w, Tensor.of(new float[] {Float.POSITIVE_INFINITY}, 1))),
                "embedding", "index Infinity", "position [0]", "[0, 4)");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Indexing.embedding(w, Tensor.of(new float[] {0, 1, 1.5f}, 1, 3))),
                "embedding", "index 1.5", "position [0, 2]", "not an integer", "[0, 4)");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Indexing.embedding(w, Tensor.of(new float[] {NAN}, 1))),
                "embedding", "index NaN", "not an integer");
        assertMessage(assertThrows(ShapeException.class, () -> Indexing.embedding(Var.constant(Tensor.zeros(4)), Tensor.zeros(2))),
                "embedding", "[numEmbeddings, dim]", "[4]", "indices shape [2]");
    }

    // ----- where and maskedFill -----

    @Test
    void whereSelectsByCondition() {
        Var a = Var.constant(Tensor.of(new float[] {1, 2, 3}, 3));
        Var b = Var.constant(Tensor.of(new float[] {4, 5, 6}, 3));
        assertArrayEquals(new float[] {1, 5, 3},
                Indexing.where(Tensor.of(new float[] {1, 0, -2}, 3), a, b).value().data());
        // NaN is non-zero, as bool(nan) is True in PyTorch
        assertArrayEquals(new float[] {1, 5, 6},
                Indexing.where(Tensor.of(new float[] {NAN, 0, 0}, 3), a, b).value().data());
        // condition [2, 1], a [3], b scalar → [2, 3]
        Var y = Indexing.where(Tensor.of(new float[] {1, 0}, 2, 1), a, Var.constant(Tensor.scalar(-1f)));
        assertEquals(Shape.of(2, 3), y.shape());
        assertArrayEquals(new float[] {1, 2, 3, -1, -1, -1}, y.value().data());
    }

    @Test
    void whereSumsGradientsBackToEachOperand() {
        Var a = Var.parameter(Tensor.zeros(3));
        Var b = Var.parameter(Tensor.scalar(0f));
        Indexing.where(Tensor.of(new float[] {1, 0}, 2, 1), a, b)
                .backward(Tensor.of(new float[] {1, 2, 3, 10, 20, 30}, 2, 3));
        assertArrayEquals(new float[] {1, 2, 3}, a.grad().data());
        assertEquals(60f, b.grad().item());
    }

    @Test
    void whereGradients() {
        Tensor c = Tensor.of(new float[] {1, 0, 0, 1, 1, 0}, 2, 3);
        GradCheck.assertGradients(v -> Indexing.where(c, v[0], v[1]), Tensor.randn(12, 2, 3), Tensor.randn(13, 2, 3));
        GradCheck.assertGradients(v -> Indexing.where(Tensor.of(new float[] {0, 1, 1}, 3), v[0], v[1]),
                Tensor.randn(14, 2, 1), Tensor.randn(15, 1, 3));
        GradCheck.assertGradients(v -> Indexing.where(Tensor.of(new float[] {1, 0}, 2, 1, 1), v[0], v[1]),
                Tensor.randn(16, 4), Tensor.randn(17, 1));
        GradCheck.assertGradients(v -> Indexing.where(Tensor.scalar(0f), v[0], v[0].mul(v[0])), Tensor.randn(18, 2, 2));
    }

    @Test
    void whereErrorNamesAllThreeShapes() {
        assertMessage(assertThrows(ShapeException.class,
                () -> Indexing.where(Tensor.zeros(2, 3), Var.constant(Tensor.zeros(4)), Var.constant(Tensor.zeros(3)))),
                "where", "condition [2, 3]", "a [4]", "b [3]");
        assertMessage(assertThrows(ShapeException.class,
                () -> Indexing.where(Tensor.zeros(2, 1), Var.constant(Tensor.zeros(3)), Var.constant(Tensor.zeros(5, 2, 2)))),
                "where", "condition [2, 1]", "a [3]", "b [5, 2, 2]");
    }

    @Test
    void maskedFillReplacesMaskedPositions() {
        Var x = Var.constant(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2));
        assertArrayEquals(new float[] {1, -9, -9, 4},
                Indexing.maskedFill(x, Tensor.of(new float[] {0, 1, 1, 0}, 2, 2), -9).value().data());
        // a row mask, broadcast over rows
        assertArrayEquals(new float[] {0, 2, 0, 4},
                Indexing.maskedFill(x, Tensor.of(new float[] {1, 0}, 2), 0).value().data());
        // as out-of-place torch.masked_fill, a larger mask broadcasts x up: x [2], mask [3, 1] → [3, 2]
        Var v = Var.constant(Tensor.of(new float[] {5, 6}, 2));
        Var y = Indexing.maskedFill(v, Tensor.of(new float[] {0, 1, 0}, 3, 1), 7);
        assertEquals(Shape.of(3, 2), y.shape());
        assertArrayEquals(new float[] {5, 6, 7, 7, 5, 6}, y.value().data());
    }

    @Test
    void maskedFillGradientIsZeroAtFilledPositions() {
        Var x = Var.parameter(Tensor.zeros(2));
        Indexing.maskedFill(x, Tensor.of(new float[] {0, 1, 0, 1}, 2, 2), 3)
                .backward(Tensor.of(new float[] {1, 2, 10, 20}, 2, 2));
        assertArrayEquals(new float[] {11, 0}, x.grad().data());
    }

    @Test
    void maskedFillGradients() {
        GradCheck.assertGradients(v -> Indexing.maskedFill(v[0], Tensor.of(new float[] {1, 0, 0, 1, 0, 1}, 2, 3), -1e9f),
                Tensor.randn(19, 2, 3));
        GradCheck.assertGradients(v -> Indexing.maskedFill(v[0], Tensor.of(new float[] {0, 1}, 2, 1, 1), 0),
                Tensor.randn(20, 1, 3, 2));
        GradCheck.assertGradients(v -> Indexing.maskedFill(v[0], Tensor.of(new float[] {1, 0, 0}, 3, 1), 2),
                Tensor.randn(21, 4));
    }

    @Test
    void maskedFillErrorNamesBothShapes() {
        assertMessage(assertThrows(ShapeException.class,
                () -> Indexing.maskedFill(Var.constant(Tensor.zeros(2, 3)), Tensor.zeros(3, 2), 0)),
                "maskedFill", "mask shape [3, 2]", "input shape [2, 3]");
    }
}
