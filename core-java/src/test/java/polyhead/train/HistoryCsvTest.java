package polyhead.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import polyhead.io.CsvRecords;

class HistoryCsvTest {
    /**
     * history.csv stays one field per key whatever a key holds (task names cannot hold a comma or a quote, but a
     * history is written by RFC 4180 all the same): read back, it has the keys and values it was written with.
     */
    @Test
    void keysWithCommasAndQuotesKeepTheirColumns() throws IOException {
        Map<String, Double> first = new LinkedHashMap<>();
        first.put("epoch", 0.0);
        first.put("train.a,b.loss", 0.5);
        first.put("val.\"q\".loss", Double.NaN);
        Map<String, Double> second = new LinkedHashMap<>();
        second.put("epoch", 1.0);
        second.put("val.\"q\".loss", 0.25);
        second.put("train.größe.loss", 2.0);
        String csv = History.of(List.of(first, second)).toCsv();

        CsvRecords in = new CsvRecords(new StringReader(csv), ',', "history.csv");
        List<List<String>> rows = new ArrayList<>();
        for (List<String> r = in.next(); r != null; r = in.next()) {
            rows.add(List.copyOf(r));
        }
        assertEquals(List.of(
                List.of("epoch", "train.a,b.loss", "val.\"q\".loss", "train.größe.loss"),
                List.of("0", "0.5", "", ""),
                List.of("1", "", "0.25", "2.0")), rows);
    }
}
