package polyhead.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The README's code blocks marked {@code <!-- excerpt: FILE -->} are excerpts of FILE: each of their lines (but a
 * {@code …} line, which stands for lines left out) is a line of the file, in the same order, up to indentation. The
 * files are the stand-alone projects that {@code mvn verify} builds and runs, so the README shows code that runs.
 * And those projects build against this build's versions.
 */
class ExcerptsTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern BLOCK = Pattern.compile("<!-- excerpt: (\\S+) -->\\n```\\w*\\n(.*?)\\n```", Pattern.DOTALL);

    /** The first line of {@code excerpt} that is not a line of {@code file} in order, or null if it is an excerpt. */
    static String firstMismatch(List<String> excerpt, List<String> file) {
        int at = 0;
        for (String line : excerpt) {
            String want = line.strip();
            if (want.equals("…")) {
                continue;
            }
            while (at < file.size() && !file.get(at).strip().equals(want)) {
                at++;
            }
            if (at == file.size()) {
                return want;
            }
            at++;
        }
        return null;
    }

    @Test
    void everyMarkedBlockOfTheReadmeIsAnExcerptOfItsFile() throws IOException {
        Matcher m = BLOCK.matcher(Files.readString(ROOT.resolve("README.md")));
        List<String> files = new ArrayList<>();
        while (m.find()) {
            Path file = ROOT.resolve(m.group(1));
            files.add(m.group(1));
            assertNull(firstMismatch(m.group(2).lines().toList(), Files.readAllLines(file)),
                    "README block from " + m.group(1) + ": this line is not in the file (in order)");
        }
        assertEquals(List.of("samples/projects/java-app/src/main/java/example/Train.java",
                "samples/projects/java-app/src/main/java/example/Serve.java",
                "samples/projects/kotlin-app/src/main/kotlin/example/Train.kt"), files);
    }

    /**
     * The stand-alone projects state Polyhead's version and their plugins' versions as literals (so that they build
     * as copied, outside this repository); they must be the versions this build uses.
     */
    @Test
    void theStandAloneProjectsStateTheVersionsOfThisBuild() throws IOException {
        String root = Files.readString(ROOT.resolve("pom.xml"));
        String version = tag(root, "version");
        for (String app : List.of("java-app", "kotlin-app")) {
            String pom = Files.readString(ROOT.resolve("samples/projects/" + app + "/pom.xml"));
            assertEquals(version, tag(pom, "polyhead.version"), app);
            assertTrue(pom.contains("<version>" + tag(root, "exec.plugin.version") + "</version>"), app + ": exec plugin");
        }
        assertTrue(Files.readString(ROOT.resolve("samples/projects/java-app/pom.xml"))
                .contains("<version>" + tag(root, "compiler.plugin.version") + "</version>"), "compiler plugin");
        assertTrue(Files.readString(ROOT.resolve("samples/projects/kotlin-app/pom.xml"))
                .contains("<version>" + tag(root, "kotlin.version") + "</version>"), "kotlin plugin");
    }

    /** The text of the first element {@code <name>} in {@code xml}. */
    private static String tag(String xml, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]*)</").matcher(xml);
        assertTrue(m.find(), "no <" + name + ">");
        return m.group(1).strip();
    }

    @Test
    void aChangedOrReorderedLineIsNotAnExcerpt() {
        List<String> file = List.of("a();", "  b();", "c();");
        assertNull(firstMismatch(List.of("a();", "…", "c();"), file));
        assertNull(firstMismatch(List.of("    b();"), file));
        assertEquals("b(1);", firstMismatch(List.of("a();", "b(1);"), file));
        assertEquals("a();", firstMismatch(List.of("c();", "a();"), file));
        assertTrue(firstMismatch(List.of("d();"), file) != null);
    }
}
