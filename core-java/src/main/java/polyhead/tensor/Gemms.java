package polyhead.tensor;

import java.io.PrintStream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Selects the {@link Gemm} every matrix product in Polyhead goes through, and with it the {@link DirectConvolution}
 * that convolutions use where it has a kernel.
 *
 * <p>At start-up: {@link VectorGemm} when the JVM runs with {@code --add-modules jdk.incubator.vector} (the module
 * is in the boot layer) and has 256-bit vector hardware, {@link EjmlGemm} otherwise. The system property
 * {@value #PROPERTY} = {@code ejml} or {@code vector} overrides the choice; asking for {@code vector} without the
 * module is an error rather than a silent slow-down. {@link #use} replaces the choice at run time.
 *
 * <p>A direct convolution goes with the GEMM whose products it reproduces: {@link VectorGemm}'s
 * ({@link VectorGemm#directConvolution()}) with a VectorGemm, {@link DirectConvolution#NONE} with any other GEMM, so
 * that a GEMM installed to count or time the products (or EJML) sees every convolution as im2col and products.
 *
 * <p>{@link #describe()} says in one line which GEMM runs and, when it is the portable one, how to get the fast one;
 * {@link #announce} prints that line once per process (the command-line tool's {@code train} and a trainer that shows
 * progress do; library calls such as a predictor in a service print nothing).
 *
 * <p>VectorGemm is created reflectively, so this class and the EJML path work on a JVM without the module (the type
 * test of {@link #directConvolutionFor} loads the class there but never initializes it).
 */
public final class Gemms {
    /** The system property that overrides the start-up choice: {@code ejml} or {@code vector}. */
    public static final String PROPERTY = "polyhead.gemm";
    static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_CLASS = "polyhead.tensor.VectorGemm";

    /** The GEMM and the direct convolution installed together. */
    private record Installed(Gemm gemm, DirectConvolution directConvolution) {
    }

    private static volatile Installed current = installed(select(System.getProperty(PROPERTY)));
    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

    private Gemms() {
    }

    public static Gemm current() {
        return current.gemm();
    }

    /** The direct convolution installed with the current GEMM ({@link DirectConvolution#NONE} unless vector). */
    public static DirectConvolution directConvolution() {
        return current.directConvolution();
    }

    /**
     * Installs {@code gemm} process-wide, with the direct convolution that goes with it
     * ({@link #directConvolutionFor}), and returns the previous GEMM.
     */
    public static Gemm use(Gemm gemm) {
        return use(gemm, directConvolutionFor(Objects.requireNonNull(gemm, "gemm")));
    }

    /**
     * Installs {@code gemm} and {@code directConvolution} process-wide, and returns the previous GEMM: for a GEMM that
     * wraps another (to time it, say) and keeps the direct convolution of the one it wraps.
     */
    public static Gemm use(Gemm gemm, DirectConvolution directConvolution) {
        Gemm previous = current.gemm();
        current = new Installed(Objects.requireNonNull(gemm, "gemm"),
                Objects.requireNonNull(directConvolution, "directConvolution"));
        return previous;
    }

    /** {@link VectorGemm#directConvolution()} for a VectorGemm, {@link DirectConvolution#NONE} for any other GEMM. */
    public static DirectConvolution directConvolutionFor(Gemm gemm) {
        return gemm instanceof VectorGemm vector ? vector.directConvolution() : DirectConvolution.NONE;
    }

    private static Installed installed(Gemm gemm) {
        return new Installed(gemm, directConvolutionFor(gemm));
    }

    /**
     * True if {@link VectorGemm} can run here: its module is enabled and the hardware has 256-bit vectors.
     *
     * @throws IllegalArgumentException if {@code -Dpolyhead.gemm.kernelBits} is neither 256 nor 512
     */
    public static boolean vectorAvailable() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return false;
        }
        try {
            return (Boolean) Class.forName(VECTOR_CLASS).getMethod("isSupported").invoke(null);
        } catch (ExceptionInInitializerError e) {
            if (e.getCause() instanceof IllegalArgumentException badProperty) {
                // a malformed -Dpolyhead.gemm.kernelBits, read when the kernels start: said, not taken for no AVX2
                throw badProperty;
            }
            return false;
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    /**
     * A new {@link VectorGemm} on all available processors.
     *
     * @throws IllegalStateException if it cannot run here (see {@link #vectorAvailable()})
     */
    public static Gemm vector() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            throw new IllegalStateException("the vector GEMM needs the JVM flag --add-modules " + VECTOR_MODULE);
        }
        if (!vectorAvailable()) {
            throw new IllegalStateException("the vector GEMM needs 256-bit vector instructions (AVX2), which this JVM "
                    + "does not report");
        }
        try {
            return (Gemm) Class.forName(VECTOR_CLASS).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + VECTOR_CLASS, e);
        }
    }

    /**
     * One line saying which GEMM every matrix product goes through, e.g. {@code matrix products: VectorGemm (Vector
     * API, 2 threads)}; when it is EJML, why, and how to get the fast one ({@code --add-modules jdk.incubator.vector}).
     */
    public static String describe() {
        boolean module = ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
        return describe(current(), module, module && vectorAvailable(), System.getProperty(PROPERTY));
    }

    /**
     * {@link #describe()} for the GEMM {@code gemm}, on a JVM with or without the vector module, with or without the
     * 256-bit vectors it needs, and the value of {@value #PROPERTY} (null when unset).
     */
    static String describe(Gemm gemm, boolean vectorModule, boolean vectorHardware, String property) {
        String head = "matrix products: ";
        if (gemm instanceof VectorGemm v) {
            return head + "VectorGemm (Vector API, " + v.threads() + (v.threads() == 1 ? " thread)" : " threads)");
        }
        if (!(gemm instanceof EjmlGemm)) {
            return head + gemm.name() + " (installed with Gemms.use)";
        }
        String forced = property == null || property.isBlank() ? null : "-D" + PROPERTY + "=" + property.trim();
        if (forced != null && vectorModule && vectorHardware) {
            return head + "EjmlGemm (portable; chosen by " + forced + "; without it the faster VectorGemm runs)";
        }
        String why = forced != null ? "chosen by " + forced + "; " : "";
        if (!vectorModule) {
            return head + "EjmlGemm (portable, about 10x slower; " + why + "for the fast VectorGemm run Java with "
                    + "--add-modules " + VECTOR_MODULE + ")";
        }
        return head + "EjmlGemm (portable, about 10x slower; " + why + "the fast VectorGemm needs 256-bit vector "
                + "instructions (AVX2), which this JVM does not report)";
    }

    /**
     * Prints {@link #describe()} to {@code out} if no call has printed it yet in this process; true if this call did.
     */
    public static boolean announce(PrintStream out) {
        if (ANNOUNCED.compareAndSet(false, true)) {
            out.println(describe());
            return true;
        }
        return false;
    }

    /** The implementation for a value of {@value #PROPERTY} (null: the automatic choice). */
    static Gemm select(String choice) {
        if (choice == null || choice.isBlank()) {
            return vectorAvailable() ? vector() : new EjmlGemm();
        }
        return switch (choice.trim()) {
            case "ejml" -> new EjmlGemm();
            case "vector" -> vector();
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + choice
                    + ": expected 'ejml' or 'vector'");
        };
    }
}
