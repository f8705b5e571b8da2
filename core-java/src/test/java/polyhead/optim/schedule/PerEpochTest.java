package polyhead.optim.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PerEpochTest {
    @Test
    void holdsEachEpochsValueForAllItsSteps() {
        // StepLR(step_size=2, gamma=0.1) stepped per epoch, 3 batches an epoch
        Schedule s = Schedules.perEpoch(Schedules.step(1.0, 2, 0.1), 3);
        double[] expected = {1, 1, 1, 1, 1, 1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.01};
        for (int step = 0; step < expected.length; step++) {
            assertEquals(expected[step], s.valueAt(step), 1e-12, "step " + step);
        }
        assertTrue(s.toString().contains("stepsPerEpoch=3"), s.toString());
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Schedules.perEpoch(Schedules.constant(0.1), 0));
        assertTrue(e.getMessage().contains("stepsPerEpoch"), e.getMessage());
    }
}
