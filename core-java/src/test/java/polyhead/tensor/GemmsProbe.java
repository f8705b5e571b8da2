package polyhead.tensor;

/**
 * Prints the name of the GEMM {@link Gemms} selects at start-up, or the error; with the argument {@code describe},
 * {@link Gemms#describe()} instead. Run by {@link GemmsTest} in a new JVM.
 */
public final class GemmsProbe {
    private GemmsProbe() {
    }

    public static void main(String[] args) {
        try {
            if (args.length > 0 && args[0].equals("describe")) {
                System.out.println(Gemms.describe());
                return;
            }
            if (args.length > 0 && args[0].equals("announce")) {
                boolean first = Gemms.announce(System.out);
                boolean second = Gemms.announce(System.out);
                System.out.println(first + "\n" + second);
                return;
            }
            System.out.println("selected " + Gemms.current().name());
        } catch (Throwable t) {
            Throwable cause = t.getCause() != null ? t.getCause() : t;
            System.out.println("failed " + cause.getMessage());
        }
    }
}
