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

    private static String probe(String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(GemmsProbe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "probe JVM did not finish");
        return out;
    }
}
