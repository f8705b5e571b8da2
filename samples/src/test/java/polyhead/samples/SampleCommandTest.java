package polyhead.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import polyhead.data.DataException;

/** The samples' command line (picocli): defaults, typed values, one-line errors naming the option, exit codes. */
class SampleCommandTest {
    record Settings(int epochs, Path data, List<Double> rhos, double lr, boolean quiet, boolean epochsGiven,
                    List<String> methods) {
    }

    @Command(name = "Demo", description = "a demo", synopsisHeading = "usage: ", sortOptions = false,
            sortSynopsis = false)
    static final class Demo extends SampleCommand<Settings> {
        @Option(names = "--epochs", paramLabel = "N", defaultValue = "3", description = "epochs (default ${DEFAULT-VALUE})")
        int epochs;

        @Option(names = "--data", paramLabel = "DIR", description = "data folder")
        Path data;

        @Option(names = "--rhos", paramLabel = "LIST", defaultValue = "0.5,1", description = "correlations")
        String rhos;

        @Option(names = "--lr", paramLabel = "X", defaultValue = "0.01", description = "learning rate")
        double lr;

        @Option(names = "--methods", paramLabel = "LIST", defaultValue = "a", description = "methods")
        String methods;

        @Option(names = "--quiet", description = "quiet")
        boolean quiet;

        @Override
        protected Settings options() {
            return new Settings(atLeast("--epochs", epochs, 1), data, numbers("--rhos", rhos), positive("--lr", lr),
                    quiet, given("--epochs"), list("--methods", methods, List.of("a", "b")));
        }
    }

    @Test
    void defaultsGivenValuesAndFlags() {
        Settings a = new Demo().parse("--epochs", "7", "--quiet", "--lr=0.5");
        assertEquals(7, a.epochs());
        assertEquals(0.5, a.lr());
        assertTrue(a.quiet());
        assertTrue(a.epochsGiven());
        assertEquals(null, a.data());
        assertEquals(List.of(0.5, 1.0), a.rhos());
        Settings d = new Demo().parse();
        assertEquals(3, d.epochs());
        assertFalse(d.quiet());
        assertFalse(d.epochsGiven());
    }

    @Test
    void userErrorsNameTheOptionInOneLine() {
        assertEquals("unknown option --bogus (see --help)", message("--bogus", "1"));
        assertEquals("option --epochs needs a value (see --help)", message("--epochs"));
        assertEquals("option --epochs: 'x' is not a whole number", message("--epochs", "x"));
        assertEquals("option --epochs must be at least 1, got 0", message("--epochs", "0"));
        // integers are read exactly, never wrapped or cut to the option's type
        assertEquals("option --epochs: 2147483648 is out of range (at most 2147483647)",
                message("--epochs", "2147483648"));
        assertEquals("option --epochs: 18446744073709551617 is out of range (at most 2147483647)",
                message("--epochs", "18446744073709551617"));
        assertEquals("option --epochs: -2147483649 is out of range (at least -2147483648)",
                message("--epochs=-2147483649"));
        assertEquals("option --epochs: '+3' is not a whole number", message("--epochs", "+3"));
        assertEquals("option --epochs: '1e3' is not a whole number", message("--epochs", "1e3"));
        assertEquals("option --lr must be > 0, got -1", message("--lr", "-1"));
        assertEquals("option --lr must be > 0, got -1e-3", message("--lr=-1e-3"));
        assertEquals("option --lr must be > 0, got 0.000", message("--lr", "0.5", "--lr", "0.000"));
        assertEquals("option --lr: 'Infinity' is not a finite number", message("--lr", "Infinity"));
        // decimals are read as the tool reads them (DecimalNumbers): named as written, no other spellings
        assertEquals("option --lr: 'NaN' is not a finite number", message("--lr", "NaN"));
        assertEquals("option --lr: 1e309 is out of range (at most 1.7976931348623157E+308)", message("--lr", "1e309"));
        assertEquals("option --lr: '0x1p-10' is not a number", message("--lr", "0x1p-10"));
        assertEquals("option --methods: unknown value 'c'; choose from a, b", message("--methods", "a,c"));
    }

    @Test
    void runPrintsUsageOrOneLineErrorsWithExitCodes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, new Demo().run(new String[] {"--help"}, s -> { throw new AssertionError("not run"); }, o, e));
        String usage = out.toString(StandardCharsets.UTF_8);
        assertTrue(usage.startsWith("usage: Demo "), usage);
        assertTrue(usage.contains("--epochs=N") && usage.contains("epochs (default 3)"), usage);

        assertEquals(1, new Demo().run(new String[] {"--epochs", "x"}, s -> { }, o, e));
        assertEquals(1, new Demo().run(new String[0], s -> { throw new DataException("no/such/dir: no such file"); },
                o, e));
        assertEquals("error: option --epochs: 'x' is not a whole number\nerror: no/such/dir: no such file\n",
                err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }

    private static String message(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> new Demo().parse(args)).getMessage();
    }
}
