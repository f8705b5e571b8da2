package polyhead.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.checkpoint.Checkpoint;
import polyhead.mtl.arch.HardSharing;

/** Early stopping's verdicts, kept weights and checkpointed state, apart from a training run. */
class EarlyStoppingTrackerTest {
    private static Map<String, Double> row(String key, double v) {
        return Map.of(key, v);
    }

    @Test
    void stopsAfterPatienceEpochsWithoutAnImprovementBeyondMinDelta() {
        HardSharing m = TrainerTest.model(1);
        EarlyStoppingTracker t = new EarlyStoppingTracker(new EarlyStopping("val.a.accuracy", 2, 0.1, false, null), m);
        t.judge(row("val.a.accuracy", 0.5));
        t.judge(row("val.a.accuracy", 0.55)); // within minDelta: no improvement
        assertFalse(t.stopped());
        t.judge(row("val.a.accuracy", 0.7)); // a higher accuracy is better: the patience starts again
        t.judge(row("val.a.accuracy", 0.6));
        assertFalse(t.stopped());
        t.judge(row("val.a.accuracy", 0.65));
        assertTrue(t.stopped());
    }

    @Test
    void restoresTheBestEpochsWeightsAndResumesFromItsCheckpointedState() {
        HardSharing m = TrainerTest.model(2);
        EarlyStopping settings = new EarlyStopping("val.loss", 1, 0, true, null);
        EarlyStoppingTracker t = new EarlyStoppingTracker(settings, m);
        t.judge(row("val.loss", 1.0));
        float[] best = m.stateDict().get("trunk.0.weight").data().clone();
        m.stateDict().get("trunk.0.weight").data()[0] += 1;

        Checkpoint.Builder b = Checkpoint.builder(m.stateDict());
        t.write(b);
        Checkpoint c = b.build();
        assertEquals(1.0, c.values().get("earlyStopping.bestValue"));
        assertEquals(Map.of("earlyStopping.sinceBest", 0L, "earlyStopping.stopped", 0L), c.counters());

        EarlyStoppingTracker resumed = new EarlyStoppingTracker(settings, m);
        resumed.read(c);
        resumed.judge(row("val.loss", 1.5)); // a higher loss is worse: patience 1 runs out
        assertTrue(resumed.stopped());
        assertEquals(best[0] + 1, m.stateDict().get("trunk.0.weight").data()[0]);
        resumed.restoreBest();
        assertArrayEquals(best, m.stateDict().get("trunk.0.weight").data());
    }

    @Test
    void withoutSettingsItNeverStopsAndStillWritesItsKeys() {
        EarlyStoppingTracker t = new EarlyStoppingTracker(null, TrainerTest.model(3));
        t.judge(row("val.loss", 1.0));
        assertFalse(t.stopped());
        Checkpoint.Builder b = Checkpoint.builder(TrainerTest.model(3).stateDict());
        t.write(b);
        Checkpoint c = b.build();
        assertTrue(Double.isNaN(c.values().get("earlyStopping.bestValue")));
        assertEquals(Map.of("earlyStopping.sinceBest", 0L, "earlyStopping.stopped", 0L), c.counters());
    }
}
