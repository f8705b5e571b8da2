package polyhead.io;

/**
 * Number cells: Java decimal floats only. {@link Float#parseFloat} alone would also take hexadecimal floats,
 * type suffixes ({@code 1f}, {@code 2d}), {@code NaN} and {@code Infinity}; a scan of the characters first
 * keeps those out without a regular expression.
 */
public final class CsvNumbers {
    public enum Fault { EMPTY, NOT_A_NUMBER, NOT_FINITE }

    private CsvNumbers() {
    }

    /** The finite value of {@code cell}, or NaN if it is not a finite decimal number ({@link #fault} says why). */
    public static float parse(String cell) {
        int from = 0;
        int to = cell.length();
        while (from < to && cell.charAt(from) == ' ') {
            from++;
        }
        while (to > from && cell.charAt(to - 1) == ' ') {
            to--;
        }
        boolean digit = false;
        for (int i = from; i < to; i++) {
            char c = cell.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                return Float.NaN;
            }
        }
        if (!digit) {
            return Float.NaN;
        }
        float fast = exactDecimal(cell, from, to);
        if (!Float.isNaN(fast)) {
            return fast;
        }
        try {
            float v = Float.parseFloat(from == 0 && to == cell.length() ? cell : cell.substring(from, to));
            return Float.isInfinite(v) ? Float.NaN : v;
        } catch (NumberFormatException e) {
            return Float.NaN;
        }
    }

    private static final float[] POWERS_OF_TEN = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

    /**
     * Plain decimals ({@code [-+]digits[.digits]}, no exponent) whose digits m fit in 2^24 and that have at most
     * 10 decimals: m and 10^k are then exact floats, so m / 10^k is one correctly rounded division, equal to
     * {@link Float#parseFloat} (Clinger's fast path). Anything else is NaN, for the general parser.
     */
    private static float exactDecimal(String s, int from, int to) {
        int i = from;
        boolean negative = false;
        char c = s.charAt(i);
        if (c == '-' || c == '+') {
            negative = c == '-';
            i++;
        }
        int m = 0;
        int decimals = -1;
        int digits = 0;
        for (; i < to; i++) {
            c = s.charAt(i);
            if (c == '.') {
                if (decimals >= 0) {
                    return Float.NaN;
                }
                decimals = 0;
                continue;
            }
            if (c < '0' || c > '9' || ++digits > 8) {
                return Float.NaN;
            }
            m = m * 10 + (c - '0');
            if (decimals >= 0) {
                decimals++;
            }
        }
        int k = Math.max(decimals, 0);
        if (digits == 0 || m > (1 << 24) || k >= POWERS_OF_TEN.length) {
            return Float.NaN;
        }
        float v = m / POWERS_OF_TEN[k];
        return negative ? -v : v;
    }

    /** Why {@link #parse} refused {@code cell} (only called on that path, so it may be slow). */
    public static Fault fault(String cell) {
        String s = cell.strip();
        if (s.isEmpty()) {
            return Fault.EMPTY;
        }
        String t = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
        boolean named = t.equalsIgnoreCase("nan") || t.equalsIgnoreCase("inf") || t.equalsIgnoreCase("infinity");
        boolean overflow = false;
        if (!named) {
            try {
                overflow = Float.isInfinite(Float.parseFloat(s)) && t.chars().allMatch(
                        c -> c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+');
            } catch (NumberFormatException e) {
                overflow = false;
            }
        }
        return named || overflow ? Fault.NOT_FINITE : Fault.NOT_A_NUMBER;
    }
}
