package polyhead.mtl.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import polyhead.tensor.Tensor;
import polyhead.testing.Fixtures;

/**
 * DB-MTL (Lin, Ye &amp; Zhang, 2023): two steps worked out by hand, and LibMTL's own {@code DB_MTL.py} over sequences
 * of five steps ({@code reference/generate_libmtl_sequences_reference.py}).
 */
class DbMtlTest {
    private static TaskGradients ab(double[] a, double[] b, double la, double lb) {
        return Grads.of(List.of("a", "b"), new double[][] {a, b}, new double[] {la, lb});
    }

    @Test
    void twoStepsByHand() {
        DbMtl db = Weightings.dbMtl(0.5, 0);
        // step 1: ĝ_a = (2, 0)/2 = (1, 0), ĝ_b = (0, 1)/0.5 = (0, 2) (ε = 1e-8 is below the tolerance);
        // m = ĝ + 0.5(0 − ĝ): m_a = (0.5, 0), m_b = (0, 1); norms 0.5 and 1, α = (2, 1); d = (1, 0) + (0, 1) = (1, 1).
        // Heads train on log L: weights 1/L = (0.5, 2).
        Combination s1 = db.combine(ab(new double[] {2, 0}, new double[] {0, 1}, 2, 0.5), Grads.ctx(0));
        Grads.assertVector(new double[] {1, 1}, s1.shared(), 1e-6, "d at step 1");
        Grads.assertVector(new double[] {0.5, 2}, s1.taskWeights(), 1e-7, "heads at step 1");
        // step 2: ĝ_a = ĝ_b = (0, 1) (losses 1); m_a = (0, 1) + 0.5((0.5, 0) − (0, 1)) = (0.25, 0.5), m_b = (0, 1);
        // ‖m_a‖ = √0.3125 < ‖m_b‖ = 1: α_a m_a = m_a/‖m_a‖ = (1/√5, 2/√5); d = (1/√5, 1 + 2/√5).
        Combination s2 = db.combine(ab(new double[] {0, 1}, new double[] {0, 1}, 1, 1), Grads.ctx(1));
        Grads.assertVector(new double[] {1 / Math.sqrt(5), 1 + 2 / Math.sqrt(5)}, s2.shared(), 1e-6, "d at step 2");
    }

    @Test
    void matchesLibMtlOverSequencesOfSteps() {
        // LibMTL computes in float32, we in double: agreement within 2e-5 relative to the largest update element
        List<Object> cases = Fixtures.list(Fixtures.load("/reference/libmtl_sequences.json").get("dbmtl"), "dbmtl");
        assertEquals(2, cases.size());
        for (Object c : cases) {
            int tasks = (int) Fixtures.number(Fixtures.get(c, "tasks"), "tasks");
            DbMtl db = Weightings.dbMtl(Fixtures.number(Fixtures.get(c, "beta"), "beta"),
                    Fixtures.number(Fixtures.get(c, "beta_sigma"), "beta_sigma"));
            List<Object> steps = Fixtures.list(Fixtures.get(c, "steps"), "steps");
            for (int s = 0; s < steps.size(); s++) {
                Object step = steps.get(s);
                Combination out = db.combine(Grads.of(Grads.names(tasks), GradVacTest.rows(Fixtures.get(step, "grads")),
                        Fixtures.doubles(Fixtures.get(step, "losses"))), Grads.ctx(s));
                double[] expected = Fixtures.doubles(Fixtures.get(step, "direction"));
                double scale = 0;
                for (double x : expected) {
                    scale = Math.max(scale, Math.abs(x));
                }
                Grads.assertVector(expected, out.shared(), 2e-5 * scale, tasks + " tasks, step " + s);
            }
        }
    }

    @Test
    void stateRoundTripsAndARestoredCopyContinuesAlike() {
        Random rng = new Random(9);
        List<TaskGradients> steps = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            steps.add(Grads.of(Grads.names(3), Grads.random(rng, 3, 5), new double[] {0.5 + s, 1, 2}));
        }
        DbMtl first = Weightings.dbMtl(0.7, 0.5);
        first.combine(steps.get(0), Grads.ctx(0));
        first.combine(steps.get(1), Grads.ctx(1));
        Map<String, Tensor> saved = first.stateDict();
        assertEquals(List.of("average.t0", "average.t1", "average.t2", "steps.count"), List.copyOf(saved.keySet()));
        DbMtl second = Weightings.dbMtl(0.7, 0.5);
        second.loadStateDict(saved);
        for (int s = 2; s < 4; s++) {
            Grads.assertVector(Grads.toDouble(first.combine(steps.get(s), Grads.ctx(s)).shared()),
                    second.combine(steps.get(s), Grads.ctx(s)).shared(), 0, "step " + s);
        }
    }

    @Test
    void refusesRepresentationGradientsBadSettingsAndBadInputInOneLine() {
        assertFalse(Weightings.dbMtl().acceptsRepresentationGradients());
        assertEquals("dbMtl: needs beta in [0, 1] and a finite betaSigma >= 0, got beta=1.2, betaSigma=0.0",
                assertThrows(IllegalArgumentException.class, () -> Weightings.dbMtl(1.2, 0)).getMessage());
        DbMtl db = Weightings.dbMtl();
        assertEquals("dbMtl: loss of task 'b' is 0.0; log-loss balancing needs positive losses",
                assertThrows(IllegalArgumentException.class, () -> db.combine(
                        ab(new double[] {1, 0}, new double[] {0, 1}, 1, 0), Grads.ctx(0))).getMessage());
        db.combine(ab(new double[] {1, 0}, new double[] {0, 1}, 1, 1), Grads.ctx(0));
        assertEquals("dbMtl: gradient of task 'a' has length 3, its running average 2; the shared parameters changed",
                assertThrows(IllegalArgumentException.class, () -> db.combine(
                        ab(new double[] {1, 0, 0}, new double[] {0, 1, 0}, 1, 1), Grads.ctx(1))).getMessage());
        assertEquals("dbMtl: unexpected state entry 'buffer.a' (expected average.<task> vectors and steps.count)",
                assertThrows(IllegalArgumentException.class,
                        () -> db.loadStateDict(Map.of("buffer.a", Tensor.of(new float[] {1}, 1)))).getMessage());
    }
}
