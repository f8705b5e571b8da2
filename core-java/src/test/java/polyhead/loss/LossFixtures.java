package polyhead.loss;

import java.util.Map;

import polyhead.autodiff.Var;
import polyhead.testing.Fixtures;

/** The check every loss-reference test ends with. */
final class LossFixtures {
    private LossFixtures() {
    }

    /**
     * Backpropagates {@code out} (an unreduced loss with the case's {@code seed} cotangent from {@code inputs}), then
     * compares the loss and the gradient of {@code input} with the case's float64 reference ({@code loss} and
     * {@code gradKey}) to relative tolerance {@code rtol}.
     */
    static void backwardAndCompare(String name, Var out, Reduction reduction, Map<String, Object> inputs,
                                   Object caseNode, Var input, String gradKey, double rtol) {
        if (reduction == Reduction.NONE) {
            out.backward(Fixtures.tensor(inputs.get("seed")));
        } else {
            out.backward();
        }
        Object reference = Fixtures.get(caseNode, "float64");
        Fixtures.assertClose(name + " loss", out.value(), Fixtures.get(reference, "loss"), rtol);
        Fixtures.assertClose(name + " " + gradKey, input.grad(), Fixtures.get(reference, gradKey), rtol);
    }
}
