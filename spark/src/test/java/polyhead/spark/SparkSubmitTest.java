package polyhead.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.checkpoint.Checkpoints;

/**
 * The README's {@code spark-submit} line, run as the script runs it: {@code org.apache.spark.deploy.SparkSubmit} in a
 * JVM of its own, whose classpath holds Spark's jars (as a Spark distribution's {@code jars/} folder) and nothing of
 * Polyhead's but the {@code -all} jar the line submits. Only the run folder is moved to a temporary one.
 */
class SparkSubmitTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** What is not Spark's on the test classpath: this project, its own dependencies, the test framework. */
    static final List<String> NOT_SPARK = List.of("/target/", "/dev/polyhead/", "/org/jetbrains/", "/info/picocli/",
            "/org/ejml/", "/org/knowm/", "/org/apache/pdfbox/", "/de/erichseifert/", "/de/rototor/", "/com/madgag/",
            "/commons-logging/", "/org/junit/", "/org/opentest4j/", "/org/apiguardian/", "/com/google/jimfs/");

    @TempDir
    Path tmp;

    /** The arguments after {@code spark-submit} on the README's line. */
    static List<String> readmeLine() throws IOException {
        Matcher m = Pattern.compile("(?m)^spark-submit (.+)$").matcher(Files.readString(ROOT.resolve("README.md")));
        assertTrue(m.find(), "README.md: no spark-submit line");
        List<String> args = new ArrayList<>();
        for (String a : m.group(1).trim().split("\\s+")) {
            args.add(a.startsWith("'") && a.endsWith("'") ? a.substring(1, a.length() - 1) : a);
        }
        return args;
    }

    @Test
    void theReadmeLineTrainsIntoARunFolder() throws Exception {
        List<String> args = readmeLine();
        assertEquals("local[2]", args.get(args.indexOf("--master") + 1));
        Path run = tmp.resolve("run");
        args.set(args.indexOf("--out") + 1, run.toString());
        Path jar = ROOT.resolve(args.get(args.indexOf("--class") + 2));
        assertTrue(Files.isRegularFile(jar), jar + ": made by the package phase, which runs before this test (spark/pom.xml)");

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // the JVM options spark-submit's launcher gives the driver on Java 17 (Spark's JavaModuleOptions)
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
                        || a.startsWith("-Dio.netty"))
                .forEach(cmd::add);
        cmd.add("-Dspark.driver.host=127.0.0.1");
        cmd.add("-Dspark.driver.bindAddress=127.0.0.1");
        cmd.add("-Dspark.ui.enabled=false");
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, Arrays.stream(System.getProperty("java.class.path")
                .split(File.pathSeparator)).filter(e -> NOT_SPARK.stream().noneMatch(e::contains)).toList()));
        cmd.add("org.apache.spark.deploy.SparkSubmit");
        cmd.addAll(args);
        Path log = tmp.resolve("log");
        Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "spark-submit did not end");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("test results"), out);
        assertTrue(Pattern.compile("(?m)^a\\s+\\d\\.\\d{4}\\s+\\d\\.\\d{4}").matcher(out).find(), out);
        assertTrue(Files.isRegularFile(run.resolve("metrics.json")), out);
        assertTrue(Files.isRegularFile(run.resolve("model").resolve(Checkpoints.METADATA)), out);
        assertTrue(Files.isRegularFile(run.resolve(SparkMain.DATA_JSON)), "a CSV file's run records its data: " + out);
    }
}
