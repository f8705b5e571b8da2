package polyhead.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import polyhead.tensor.Shape;
import polyhead.tensor.Tensor;
import polyhead.io.Json;

class FixturesTest {
    private static final Object NODE =
            Json.parse("{\"t\": {\"shape\": [2, 2], \"data\": [1, -2, 0.1, 100]}}", "fixture");

    @Test
    void turnsTensorNodesIntoTensors() {
        Tensor t = Fixtures.tensor(Fixtures.get(NODE, "t"));
        assertEquals(Shape.of(2, 2), t.shape());
        assertArrayEquals(new float[] {1, -2, 0.1f, 100}, t.data());
        assertEquals(Shape.scalar(), Fixtures.shape(Json.parse("{\"shape\": [], \"data\": [3]}", "fixture")));
    }

    @Test
    void reportsMissingKeysAndBadTensors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fixtures.get(NODE, "t", "x"));
        assertTrue(e.getMessage().contains("t.x"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Fixtures.tensor(Json.parse("{\"shape\": [3], \"data\": [1, 2]}", "fixture")));
        assertThrows(IllegalStateException.class, () -> Fixtures.load("/reference/no_such_fixture.json"));
    }

    @Test
    void toleranceIsRelativeToTheElementAndTheTensorScale() {
        Object ref = Fixtures.get(NODE, "t");
        // max|b| = 100, rtol 1e-5: element 0.1 may be off by 1e-5·100.1 ≈ 1e-3
        Fixtures.assertClose("ok", Tensor.of(new float[] {1, -2, 0.1009f, 100.001f}, 2, 2), ref, 1e-5);
        assertThrows(AssertionError.class,
                () -> Fixtures.assertClose("far", Tensor.of(new float[] {1, -2, 0.102f, 100}, 2, 2), ref, 1e-5));
        assertThrows(AssertionError.class,
                () -> Fixtures.assertClose("nan", Tensor.of(new float[] {1, -2, Float.NaN, 100}, 2, 2), ref, 1e-5));
        assertThrows(AssertionError.class,
                () -> Fixtures.assertClose("shape", Tensor.of(new float[] {1, -2, 0.1f, 100}, 4), ref, 1e-5));
    }
}
