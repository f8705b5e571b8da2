package polyhead.tensor;

/** Prints the name of the GEMM {@link Gemms} selects at start-up, or the error; run by {@link GemmsTest} in a new JVM. */
public final class GemmsProbe {
    private GemmsProbe() {
    }

    public static void main(String[] args) {
        try {
            System.out.println("selected " + Gemms.current().name());
        } catch (Throwable t) {
            Throwable cause = t.getCause() != null ? t.getCause() : t;
            System.out.println("failed " + cause.getMessage());
        }
    }
}
