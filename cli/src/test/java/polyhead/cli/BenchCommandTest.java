package polyhead.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code polyhead bench} through the tool: usage on --help, exit code 2 and one line, no report, on a bad option. */
class BenchCommandTest {
    @Test
    void helpAndMalformedOptions() {
        PolyheadTest.Result help = PolyheadTest.run("bench", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().startsWith("usage: polyhead bench"), help.out());
        PolyheadTest.Result notANumber = PolyheadTest.run("bench", "--steps", "zero");
        assertEquals(2, notANumber.code());
        assertEquals("", notANumber.out());
        assertEquals("error: option --steps: 'zero' is not a whole number", notANumber.err().strip());
        PolyheadTest.Result noValue = PolyheadTest.run("bench", "--reps");
        assertEquals(2, noValue.code());
        assertEquals("error: option --reps needs a value (see --help)", noValue.err().strip());
        PolyheadTest.Result unknown = PolyheadTest.run("bench", "--bogus", "1");
        assertEquals(2, unknown.code());
        assertEquals("error: unknown option --bogus (see --help)", unknown.err().strip());
    }
}
