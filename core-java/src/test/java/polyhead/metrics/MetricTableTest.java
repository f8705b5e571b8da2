package polyhead.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MetricTableTest {
    @Test
    void tablesAlignNumbersRightAndTextLeft() {
        String t = new MetricTable("method", "acc").row("equal", "0.5000").row("mgda", "n/a").toString();
        assertEquals("method     acc\nequal   0.5000\nmgda       n/a\n", t.replace(System.lineSeparator(), "\n"));
        assertThrows(IllegalArgumentException.class, () -> new MetricTable("a", "b").row("1"));
    }
}
