package polyhead.metrics;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A results table printed as aligned text: columns of numbers right-aligned, the others left-aligned. Cells are
 * strings the caller formats; {@link #number} gives the usual form of a metric.
 */
public final class MetricTable {
    private static final Pattern NUMBER = Pattern.compile("[-+]?[0-9][0-9,]*(\\.[0-9]+)?%?|n/a|[-+]?inf");
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    public MetricTable(String... headers) {
        this.columns = headers.length;
        rows.add(headers.clone());
    }

    /** Appends a row of exactly as many cells as there are headers. */
    public MetricTable row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + columns + " columns");
        }
        rows.add(cells.clone());
        return this;
    }

    /** {@code value} with {@code decimals} decimals, or "n/a" when NaN. */
    public static String number(double value, int decimals) {
        return Double.isNaN(value) ? "n/a" : String.format("%." + decimals + "f", value);
    }

    public void print(PrintStream out) {
        out.print(this);
    }

    @Override
    public String toString() {
        int[] width = new int[columns];
        boolean[] numeric = new boolean[columns];
        Arrays.fill(numeric, rows.size() > 1);
        for (String[] r : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], r[c].length());
                numeric[c] &= r == rows.get(0) || NUMBER.matcher(r[c]).matches();
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int c = 0; c < columns; c++) {
                String cell = String.format(numeric[c] ? "%" + width[c] + "s" : "%-" + width[c] + "s", r[c]);
                sb.append(c == 0 ? "" : "  ").append(c == columns - 1 ? cell.stripTrailing() : cell);
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }
}
