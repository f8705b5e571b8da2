package polyhead.optim.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import polyhead.testing.Fixtures;

/**
 * Every case of {@code reference/schedules.json} (PyTorch 1.13, see {@code generate_schedule_reference.py}): the
 * schedule built from the case's params gives, at every recorded step t, the rate PyTorch's scheduler left in the
 * optimizer after t steps, within |a − b| ≤ 1e-9·|b| (exactly, where PyTorch's rate is 0).
 */
class SchedulesReferenceTest {
    private static final String FIXTURE = "/reference/schedules.json";
    private static final double RTOL = 1e-9;

    private static Map<String, Object> cases() {
        return Fixtures.object(Fixtures.get(Fixtures.load(FIXTURE), "cases"), "cases");
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesPyTorch() {
        return cases().entrySet().stream()
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> check(e.getKey(), e.getValue())));
    }

    @Test
    void fixtureCoversEveryScheduleAndTheTrickyCases() {
        Map<String, Object> cases = cases();
        Set<String> kinds = new HashSet<>();
        for (Object c : cases.values()) {
            kinds.add((String) Fixtures.get(c, "kind"));
        }
        assertEquals(Set.of("constant", "step", "multiStep", "exponential", "cosine", "cosineWarmRestarts", "linear",
                "oneCycle", "linearWarmup"), kinds);
        for (String name : List.of("multiStep_repeated", "cosine_beyond_tMax", "warmRestarts_tMult_1",
                "warmRestarts_tMult_2", "oneCycle_cos", "oneCycle_linear", "oneCycle_threePhase_cos",
                "warmup_into_cosine", "warmup_into_step")) {
            assertTrue(cases.containsKey(name), "no case " + name);
        }
        List<Object> beyond = Fixtures.list(Fixtures.get(cases.get("cosine_beyond_tMax"), "lrs"), "lrs");
        double tMax = Fixtures.number(Fixtures.get(cases.get("cosine_beyond_tMax"), "params", "tMax"), "tMax");
        assertTrue(beyond.size() > 4 * tMax, "cosine_beyond_tMax covers only " + beyond.size() + " steps");
    }

    private static void check(String name, Object c) {
        Schedule s = build(name, c);
        List<Object> lrs = Fixtures.list(Fixtures.get(c, "lrs"), name + ".lrs");
        assertTrue(lrs.size() >= 10, name + ": only " + lrs.size() + " steps");
        for (int t = 0; t < lrs.size(); t++) {
            double expected = Fixtures.number(lrs.get(t), name + ".lrs[" + t + "]");
            double actual = s.valueAt(t);
            if (!(Math.abs(actual - expected) <= RTOL * Math.abs(expected))) {
                throw new AssertionError(name + " (" + s + ") at step " + t + ": " + actual + ", PyTorch " + expected);
            }
        }
    }

    /** The schedule that case {@code c} describes: its kind is the factory, its params the arguments by name. */
    static Schedule build(String name, Object c) {
        String kind = (String) Fixtures.get(c, "kind");
        Map<String, Object> p = Fixtures.object(Fixtures.get(c, "params"), name + ".params");
        return switch (kind) {
            case "constant" -> Schedules.constant(num(p, "lr"));
            case "step" -> Schedules.step(num(p, "lr"), integer(p, "stepSize"), num(p, "gamma"));
            case "multiStep" -> {
                List<Object> m = Fixtures.list(p.get("milestones"), "milestones");
                int[] milestones = new int[m.size()];
                for (int i = 0; i < milestones.length; i++) {
                    milestones[i] = toInt(Fixtures.number(m.get(i), "milestones[" + i + "]"), "milestones");
                }
                yield Schedules.multiStep(num(p, "lr"), milestones, num(p, "gamma"));
            }
            case "exponential" -> Schedules.exponential(num(p, "lr"), num(p, "gamma"));
            case "cosine" -> Schedules.cosine(num(p, "lr"), integer(p, "tMax"), num(p, "etaMin"));
            case "cosineWarmRestarts" -> Schedules.cosineWarmRestarts(num(p, "lr"), integer(p, "t0"),
                    integer(p, "tMult"), num(p, "etaMin"));
            case "linear" -> Schedules.linear(num(p, "lr"), num(p, "startFactor"), num(p, "endFactor"),
                    integer(p, "totalIters"));
            case "linearWarmup" -> Schedules.linearWarmup(integer(p, "warmupSteps"), num(p, "startFactor"),
                    build(name + ".after", p.get("after")));
            case "oneCycle" -> Schedules.oneCycle(num(p, "maxLr"), integer(p, "totalSteps"), num(p, "pctStart"),
                    switch ((String) Fixtures.get(p, "anneal")) {
                        case "cos" -> Anneal.COSINE;
                        case "linear" -> Anneal.LINEAR;
                        default -> throw new AssertionError(name + ": unknown anneal " + p.get("anneal"));
                    }, num(p, "divFactor"), num(p, "finalDivFactor"), (Boolean) Fixtures.get(p, "threePhase"));
            default -> throw new AssertionError(name + ": unknown kind " + kind);
        };
    }

    private static double num(Map<String, Object> params, String key) {
        return Fixtures.number(Fixtures.get(params, key), key);
    }

    private static int integer(Map<String, Object> params, String key) {
        return toInt(num(params, key), key);
    }

    private static int toInt(double v, String what) {
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " = " + v + " is not an int");
        }
        return (int) v;
    }
}
