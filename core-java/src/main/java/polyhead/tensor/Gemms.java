package polyhead.tensor;

import java.util.Objects;

/** Selects the {@link Gemm} every matrix product in Polyhead goes through. EJML unless another is installed. */
public final class Gemms {
    private static volatile Gemm current = new EjmlGemm();

    private Gemms() {
    }

    public static Gemm current() {
        return current;
    }

    /** Installs {@code gemm} process-wide and returns the previous implementation. */
    public static Gemm use(Gemm gemm) {
        Gemm previous = current;
        current = Objects.requireNonNull(gemm, "gemm");
        return previous;
    }
}
