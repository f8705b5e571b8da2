package polyhead.autodiff;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import polyhead.tensor.Tensor;

class GradCheckTest {
    @Test
    void acceptsACorrectRule() {
        GradCheck.Result r = GradCheck.defaults().check(v -> v[0].mul(v[0]).mul(v[1]), Tensor.randn(1, 2, 3), Tensor.randn(2, 2, 3));
        assertTrue(r.passed(), r.worst());
    }

    @Test
    void catchesAWrongRule() {
        // claims d(x²)/dx = x instead of 2x
        GradCheck.Result r = GradCheck.defaults().check(v -> {
            Var x = v[0];
            Tensor sq = x.value().copy();
            for (int i = 0; i < sq.size(); i++) {
                sq.data()[i] *= sq.data()[i];
            }
            return Var.result(sq, "badSquare", g -> {
                Tensor gx = g.copy();
                for (int i = 0; i < gx.size(); i++) {
                    gx.data()[i] *= x.value().data()[i];
                }
                x.addGrad(gx);
            }, x);
        }, Tensor.randn(3, 4));
        assertFalse(r.passed());
        assertThrows(AssertionError.class, () -> GradCheck.assertGradients(v -> v[0].mul(v[0]).detach(), Tensor.randn(4, 2)));
    }

    @Test
    void rejectsBadSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GradCheck.defaults().withEps(0));
        assertTrue(e.getMessage().contains("eps"));
    }
}
