package polyhead.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import polyhead.data.Csv;
import polyhead.data.DataException;
import polyhead.loss.Losses;
import polyhead.mtl.Task;
import polyhead.nn.Linear;
import polyhead.optim.Optimizers.Adam;

/**
 * Names are checked where they enter the core (the Java builder, a bare {@code Task}, a CSV spec and header), each
 * refusal one line naming the task or column and the character, never carrying the character raw.
 */
class NameCheckTest {
    private static ExperimentBuilder withTasks(TaskPlan... tasks) {
        ExperimentBuilder b = new ExperimentBuilder().input(2).trunk(Layers.dense(4))
                .optimizer(OptimizerPlan.of(Algorithm.of(Adam.lr(0.01))));
        for (TaskPlan t : tasks) {
            b = b.task(t);
        }
        return b;
    }

    private static TaskPlan task(String name) {
        return TaskPlan.named(name).head(Layers.dense(3)).loss(Losses.crossEntropy());
    }

    private static void assertNoRawControl(String message) {
        assertFalse(message.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n'), message);
    }

    @Test
    void theBuilderRefusesABadTaskNameNamingTheTaskAndTheCharacter() {
        String m = assertThrows(IllegalArgumentException.class,
                () -> withTasks(task("item"), task("gr\u001b[31moup")).build()).getMessage();
        assertTrue(m.contains("task 'gr\\u001B[31moup': U+001B (escape) at character 3 is not allowed in a name"), m);
        assertNoRawControl(m);
        m = assertThrows(IllegalArgumentException.class, () -> withTasks(task("a,b")).build()).getMessage();
        assertTrue(m.contains("task 'a,b': U+002C (,) at character 2 is not allowed in a name"), m);
    }

    @Test
    void theBuilderRefusesTasksWhoseFilesWouldCollide() {
        String m = assertThrows(IllegalArgumentException.class,
                () -> withTasks(task("Größe"), task("GRÖSSE")).build()).getMessage();
        assertTrue(m.contains("task 'GRÖSSE': differs from 'Größe' only in case or Unicode normalization"), m);
        m = assertThrows(IllegalArgumentException.class, () -> withTasks(task("a"), task("a")).build()).getMessage();
        assertTrue(m.contains("task 'a': declared twice"), m);
    }

    @Test
    void theBuilderRefusesAClassNameWithAControlCharacter() {
        String m = assertThrows(IllegalArgumentException.class,
                () -> withTasks(task("item").classNames("ok", "bad\r\nline", "T-shirt/top")).build()).getMessage();
        assertTrue(m.contains("task 'item': classNames[1]: U+000D (carriage return) at character 4 is not allowed in "
                + "a label"), m);
        assertNoRawControl(m);
    }

    @Test
    void namesOfAnyScriptBuild() {
        withTasks(task("größe"), task("分類"), task("वर्ग")).build();
    }

    @Test
    void aBareTaskRefusesABadName() {
        String m = assertThrows(IllegalArgumentException.class, () -> Task.builder("a\0b")
                .head(new Linear(2, 2, new java.util.Random(1))).loss(Losses.crossEntropy()).build()).getMessage();
        assertEquals("task 'a\\u0000b': U+0000 (NUL) at character 2 is not allowed in a name (letters, digits, '_' "
                + "and '-' are)", m);
    }

    @Test
    void aCsvTargetMustBeANameAndAHeaderNoControlCharacters(@TempDir Path dir) throws Exception {
        String m = assertThrows(IllegalArgumentException.class, () -> Csv.spec().real("price\u001b")).getMessage();
        assertEquals("target 'price\\u001B' (a task name): U+001B (escape) at character 6 is not allowed in a name "
                + "(letters, digits, '_' and '-' are)", m);
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "x1,\"x\u001b[2J\",price\n1,2,3\n");
        m = assertThrows(DataException.class, () -> Csv.read(file, Csv.spec().real("price"))).getMessage();
        assertEquals(file + ": line 1, column 2 of the header: U+001B (escape) at character 2 is not allowed in a "
                + "label (no control characters)", m);
        // commas, quotes and spaces are fine in a feature column's name; an empty name is pandas' index column
        Files.writeString(file, ",\"a, \"\"b\"\"\",price\n1,2,3\n4,5,6\n");
        assertEquals(java.util.List.of("", "a, \"b\""), Csv.read(file, Csv.spec().real("price")).features());
    }
}
