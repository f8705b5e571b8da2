package polyhead.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Start-up selection of the GEMM: module present → VectorGemm, absent → EJML, the system property overrides. */
class GemmsTest {
    /** The test JVM runs with --add-modules jdk.incubator.vector (surefire's argLine), so the fast path is on. */
    @Test
    void testsRunTheVectorGemm() {
        assertTrue(Gemms.vectorAvailable(), "surefire's argLine should enable jdk.incubator.vector");
        assertInstanceOf(VectorGemm.class, Gemms.select(null));
        assertInstanceOf(VectorGemm.class, Gemms.current());
    }

    @Test
    void propertyOverridesTheChoice() {
        assertInstanceOf(EjmlGemm.class, Gemms.select("ejml"));
        assertInstanceOf(VectorGemm.class, Gemms.select("vector"));
        assertInstanceOf(VectorGemm.class, Gemms.select(" "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemms.select("blas"));
        assertEquals("-Dpolyhead.gemm=blas: expected 'ejml' or 'vector'", e.getMessage());
    }

    @Test
    void useInstallsAndReturnsThePrevious() {
        Gemm ejml = new EjmlGemm();
        Gemm previous = Gemms.use(ejml);
        try {
            assertEquals(ejml, Gemms.current());
        } finally {
            assertEquals(ejml, Gemms.use(previous));
        }
    }

    /** A JVM without the module selects EJML, and refuses an explicit request for the vector GEMM. */
    @Test
    void withoutTheModuleEjmlIsSelected() throws Exception {
        assertEquals("selected ejml", probe());
        assertEquals("failed the vector GEMM needs the JVM flag --add-modules jdk.incubator.vector",
                probe("-Dpolyhead.gemm=vector"));
        assertEquals("selected ejml", probe("-Dpolyhead.gemm=ejml", "--add-modules", "jdk.incubator.vector"));
    }

    /** The line a run prints about its backend, in this JVM (vector) and in one without the module (EJML). */
    @Test
    void describeSaysWhichGemmAndHowToGetTheFastOne() throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        String vector = "matrix products: VectorGemm (Vector API, " + threads + (threads == 1 ? " thread)" : " threads)");
        assertEquals(vector, Gemms.describe());
        String fallback = "matrix products: EjmlGemm (portable, about 10x slower; for the fast VectorGemm run Java with "
                + "--add-modules jdk.incubator.vector)";
        assertEquals(fallback, probe(List.of(), List.of("describe")));
        assertEquals("matrix products: EjmlGemm (portable; chosen by -Dpolyhead.gemm=ejml; without it the faster "
                + "VectorGemm runs)", probe(List.of("-Dpolyhead.gemm=ejml", "--add-modules", "jdk.incubator.vector"),
                List.of("describe")));
    }

    /** Every case of the message, the JVM's facts given. */
    @Test
    void describeCoversEveryReasonForEjml() {
        Gemm ejml = new EjmlGemm();
        assertEquals("matrix products: VectorGemm (Vector API, 1 thread)",
                Gemms.describe(new VectorGemm(1), true, true, null));
        assertEquals("matrix products: EjmlGemm (portable, about 10x slower; chosen by -Dpolyhead.gemm=ejml; for the "
                + "fast VectorGemm run Java with --add-modules jdk.incubator.vector)",
                Gemms.describe(ejml, false, false, "ejml"));
        assertEquals("matrix products: EjmlGemm (portable, about 10x slower; the fast VectorGemm needs 256-bit vector "
                + "instructions (AVX2), which this JVM does not report)", Gemms.describe(ejml, true, false, null));
        assertEquals("matrix products: products only (installed with Gemms.use)",
                Gemms.describe(ProductsOnly.of(ejml), true, true, null));
    }

    /** {@link Gemms#announce} prints the line once per process, whoever asks. */
    @Test
    void announcePrintsOncePerProcess() throws Exception {
        List<String> lines = List.of(probe(List.of(), List.of("announce")).split("\n"));
        assertEquals(List.of("matrix products: EjmlGemm (portable, about 10x slower; for the fast VectorGemm run Java "
                + "with --add-modules jdk.incubator.vector)", "true", "false"), lines);
    }

    private static String probe(String... jvmArgs) throws IOException, InterruptedException {
        return probe(List.of(jvmArgs), List.of());
    }

    private static String probe(List<String> jvmArgs, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(GemmsProbe.class.getName());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "probe JVM did not finish");
        return out;
    }
}
