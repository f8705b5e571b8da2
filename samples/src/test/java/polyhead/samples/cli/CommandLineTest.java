package polyhead.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import polyhead.data.DataException;

class CommandLineTest {
    private static final CommandLine CLI = CommandLine.of("Demo", "a demo")
            .option("--epochs", "N", "3", "epochs")
            .option("--data", "DIR", null, "data folder")
            .option("--rhos", "LIST", "0.5,1", "correlations")
            .option("--lr", "X", "0.01", "learning rate")
            .flag("--quiet", "quiet");

    @Test
    void defaultsGivenValuesAndFlags() {
        Arguments a = CLI.parse(new String[] {"--epochs", "7", "--quiet", "--lr=0.5"});
        assertEquals(7, a.integer("--epochs", 1));
        assertEquals(0.5, a.positive("--lr"));
        assertTrue(a.flag("--quiet"));
        assertTrue(a.given("--epochs"));
        assertFalse(a.given("--data"));
        assertEquals(null, a.path("--data"));
        assertEquals(List.of(0.5, 1.0), a.numbers("--rhos"));
        Arguments d = CLI.parse(new String[0]);
        assertEquals(3, d.integer("--epochs", 1));
        assertFalse(d.flag("--quiet"));
        assertFalse(d.help());
        assertTrue(CLI.parse(new String[] {"--help"}).help());
    }

    @Test
    void userErrorsNameTheOptionInOneLine() {
        assertEquals("unknown option --bogus (see --help)", message(() -> CLI.parse(new String[] {"--bogus", "1"})));
        assertEquals("option --epochs needs a value (see --help)", message(() -> CLI.parse(new String[] {"--epochs"})));
        assertEquals("option --quiet takes no value (see --help)", message(() -> CLI.parse(new String[] {"--quiet=1"})));
        assertEquals("option --epochs: 'x' is not an integer",
                message(() -> CLI.parse(new String[] {"--epochs", "x"}).integer("--epochs", 1)));
        assertEquals("option --epochs must be at least 1, got 0",
                message(() -> CLI.parse(new String[] {"--epochs", "0"}).integer("--epochs", 1)));
        assertEquals("option --lr must be > 0, got -1",
                message(() -> CLI.parse(new String[] {"--lr", "-1"}).positive("--lr")));
        assertEquals("option --rhos: unknown value 'c'; choose from a, b",
                message(() -> CLI.parse(new String[] {"--rhos", "a,c"}).list("--rhos", "a", "b")));
    }

    @Test
    void runPrintsUsageOrOneLineErrorsWithExitCodes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, CLI.run(new String[] {"--help"}, a -> { throw new AssertionError("not run"); }, o, e));
        String usage = out.toString(StandardCharsets.UTF_8);
        assertTrue(usage.startsWith("usage: Demo [--epochs N] [--data DIR]"), usage);
        assertTrue(usage.contains("  --epochs N   epochs (default 3)\n"), usage);

        assertEquals(1, CLI.run(new String[] {"--epochs", "x"}, a -> a.integer("--epochs", 1), o, e));
        assertEquals(1, CLI.run(new String[0], a -> { throw new DataException("no/such/dir: no such file"); }, o, e));
        assertEquals("error: option --epochs: 'x' is not an integer\nerror: no/such/dir: no such file\n",
                err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }

    @Test
    void tablesAlignNumbersRightAndTextLeft() {
        String t = new Table("method", "acc").row("equal", "0.5000").row("mgda", "n/a").toString();
        assertEquals("method     acc\nequal   0.5000\nmgda       n/a\n", t.replace(System.lineSeparator(), "\n"));
        assertThrows(IllegalArgumentException.class, () -> new Table("a", "b").row("1"));
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }
}
