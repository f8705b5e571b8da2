package polyhead.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.tensor.Tensor;
import polyhead.train.TrainingListener;

/**
 * A replica that dies in the middle of a run (its task throws after step 5 of 9) makes Spark retry the barrier
 * stage; the new attempt resumes every replica from replica 0's latest checkpoint in the run folder (one every 2
 * steps) and ends with the weights and history of an uninterrupted run, bit for bit.
 */
class StageRetryTest {
    @TempDir
    Path tmp;


    /** Fails replica 1 after step 5, in the stage's first attempt only. */
    static final class Crash implements ReplicaListener {
        @Override
        public TrainingListener create(int rank, int stageAttempt) {
            if (rank != 1 || stageAttempt != 0) {
                return null;
            }
            return new TrainingListener() {
                @Override
                public void stepEnded(int epoch, long step, Map<String, Double> losses, int samples) {
                    if (step == 5) {
                        throw new IllegalStateException("replica 1 dies after step 5");
                    }
                }
            };
        }
    }

    private static List<Map<String, Double>> withoutTimes(List<Map<String, Double>> rows) {
        List<Map<String, Double>> out = new ArrayList<>();
        for (Map<String, Double> r : rows) {
            Map<String, Double> m = new LinkedHashMap<>(r);
            m.remove("seconds");
            out.add(m);
        }
        return out;
    }

    @Test
    void aKilledReplicaIsRetriedFromTheLastCheckpointAndEndsAsAnUninterruptedRun() {
        SparkTrainingOptions options = SparkTrainingOptions.features("x0", "x1").withReplicas(2);
        SparkRun straight = PolyheadSpark.run(SparkFixtures.experiment("pcGrad", 3, 9, 2), SparkFixtures.frame(false),
                options.withRunFolder(tmp.resolve("straight")));
        SparkRun retried = PolyheadSpark.run(SparkFixtures.experiment("pcGrad", 3, 9, 2), SparkFixtures.frame(false),
                options.withRunFolder(tmp.resolve("retried")).withListener(new Crash()));
        assertEquals(9, straight.steps());
        assertTrue(retried.steps() < 9, "the retry resumed: " + retried.steps() + " steps in the last attempt");
        Map<String, Tensor> a = straight.model().architecture().stateDict();
        Map<String, Tensor> b = retried.model().architecture().stateDict();
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).data(), b.get(k).data(), k);
        }
        assertEquals(withoutTimes(straight.model().history().rows()), withoutTimes(retried.model().history().rows()));
    }
}
