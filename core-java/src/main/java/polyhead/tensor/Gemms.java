package polyhead.tensor;

import java.util.Objects;

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

    /** True if {@link VectorGemm} can run here: its module is enabled and the hardware has 256-bit vectors. */
    public static boolean vectorAvailable() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return false;
        }
        try {
            return (Boolean) Class.forName(VECTOR_CLASS).getMethod("isSupported").invoke(null);
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
