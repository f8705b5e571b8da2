package polyhead.io;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


/**
 * A small strict JSON (RFC 8259) reader and writer for the files this package owns: safetensors headers and
 * checkpoint metadata.
 *
 * <p>{@link #parse} gives {@code Map<String, Object>} (keys in file order, duplicates refused), {@code List<Object>},
 * {@code String}, {@code Long} (an integer literal that fits in 64 bits), {@code Double} (any other number),
 * {@code Boolean} and {@code null}. Nothing outside RFC 8259 is accepted: no {@code NaN}, comments or trailing commas,
 * and no number beyond the range of a double (which would read as infinity).
 * Nesting is limited to {@value #MAX_DEPTH} levels so that hostile input cannot exhaust the stack. Errors are
 * {@link FormatException}s that name the source, the offset, the line and the column.
 *
 * <p>{@link #write} accepts the same kinds of values (any {@code Number} whose value is finite, any {@code Map} with
 * string keys, any {@code List}) and writes them compactly; {@link #pretty} indents by two spaces. Doubles are written
 * with {@link Double#toString}, which reads back to the same double.
 */
public final class Json {
    /** The deepest nesting of arrays and objects {@link #parse} accepts. */
    public static final int MAX_DEPTH = 128;

    private final String text;
    private final String source;
    private final boolean nonFiniteTokens;
    private int pos;
    private int depth;

    private Json(String text, String source, boolean nonFiniteTokens) {
        this.text = text;
        this.source = source;
        this.nonFiniteTokens = nonFiniteTokens;
    }

    /**
     * The value {@code text} holds; only whitespace may follow it.
     *
     * @param source names the text in error messages (a file, or a file and a part of it)
     */
    public static Object parse(String text, String source) {
        return parse(text, source, false);
    }

    /**
     * As {@link #parse}, but also reads the tokens {@code NaN}, {@code Infinity} and {@code -Infinity}, which Python's
     * {@code json} module writes for non-finite floats, as the corresponding doubles: for reference values recorded
     * by Python scripts. Not valid JSON, so nothing Polyhead writes relies on it.
     */
    public static Object parseWithNonFiniteTokens(String text, String source) {
        return parse(text, source, true);
    }

    private static Object parse(String text, String source, boolean nonFiniteTokens) {
        Json p = new Json(text, source, nonFiniteTokens);
        p.skipWhitespace();
        Object v = p.value();
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected " + p.describe(p.pos) + " after the value");
        }
        return v;
    }

    private Object value() {
        if (pos >= text.length()) {
            throw error("unexpected end of input, expected a value");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            case 'N' -> nonFinite("NaN", Double.NaN);
            case 'I' -> nonFinite("Infinity", Double.POSITIVE_INFINITY);
            default -> {
                if (nonFiniteTokens && c == '-' && text.startsWith("-I", pos)) {
                    yield nonFinite("-Infinity", Double.NEGATIVE_INFINITY);
                }
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected " + describe(pos) + ", expected a value");
            }
        };
    }

    private Map<String, Object> object() {
        enter();
        Map<String, Object> map = new LinkedHashMap<>();
        pos++; // '{'
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("unexpected " + describe(pos) + ", expected a string key");
            }
            int keyAt = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            if (map.containsKey(key)) {
                pos = keyAt;
                throw error("duplicate key \"" + key + "\"");
            }
            map.put(key, value());
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                depth--;
                return map;
            }
            expect(',', "',' or '}'");
        }
    }

    private List<Object> array() {
        enter();
        List<Object> list = new ArrayList<>();
        pos++; // '['
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(value());
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                depth--;
                return list;
            }
            expect(',', "',' or ']'");
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH + " levels");
        }
    }

    private String string() {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unexpected end of input inside a string");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("control character U+" + String.format("%04X", (int) c) + " in a string");
            }
            pos++;
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unexpected end of input inside a string");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    int v = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = pos < text.length() ? Character.digit(text.charAt(pos), 16) : -1;
                        if (d < 0) {
                            throw error("a \\u escape needs four hexadecimal digits");
                        }
                        v = v * 16 + d;
                        pos++;
                    }
                    sb.append((char) v);
                }
                default -> {
                    pos -= 2;
                    throw error("invalid escape '\\" + e + "'");
                }
            }
        }
    }

    /** {@code -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?} */
    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (!digits()) {
            throw error("expected a digit");
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!digits()) {
                throw error("expected a digit after '.'");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw error("expected a digit in the exponent");
            }
        }
        String literal = text.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException outOfRange) {
                // an integer beyond 64 bits: kept as the nearest double
            }
        }
        double d = Double.parseDouble(literal);
        if (Double.isInfinite(d)) {
            pos = start;
            throw error("number " + literal + " is beyond the range of a double");
        }
        return d;
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }

    private Object nonFinite(String word, double v) {
        if (!nonFiniteTokens) {
            throw error("unexpected " + describe(pos) + ", expected a value");
        }
        return literal(word, v);
    }

    private Object literal(String word, Object v) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected " + describe(pos) + ", expected a value");
        }
        pos += word.length();
        return v;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : 0;
    }

    private void expect(char c) {
        expect(c, "'" + c + "'");
    }

    private void expect(char c, String what) {
        if (peek() != c) {
            throw error("unexpected " + describe(pos) + ", expected " + what);
        }
        pos++;
    }

    private String describe(int at) {
        if (at >= text.length()) {
            return "end of input";
        }
        char c = text.charAt(at);
        if (c == '\'') {
            return "\"'\"";
        }
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : "character U+" + String.format("%04X", (int) c);
    }

    private FormatException error(String what) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < pos && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new FormatException(source + ": malformed JSON at offset " + pos + " (line " + line + ", column "
                + column + "): " + what);
    }

    // ---------------------------------------------------------------- writing

    /** {@code value} as compact JSON. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, -1, 0);
        return sb.toString();
    }

    /** {@code value} as JSON indented by two spaces per level, with a final newline. */
    public static String pretty(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 2, 0);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object v, int indent, int level) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("JSON has no representation for " + d);
            }
            sb.append(v instanceof Float f ? Float.toString(f) : Double.toString(d));
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            sb.append(((Number) v).longValue());
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
                }
                newline(sb, indent, level + 1);
                quote(sb, key);
                sb.append(indent < 0 ? ":" : ": ");
                write(sb, e.getValue(), indent, level + 1);
                if (it.hasNext()) {
                    sb.append(',');
                }
            }
            if (!m.isEmpty()) {
                newline(sb, indent, level);
            }
            sb.append('}');
        } else if (v instanceof List<?> list) {
            sb.append('[');
            // short lists of numbers (shapes, offsets) stay on one line
            boolean flat = indent < 0 || list.stream().allMatch(x -> x instanceof Number);
            for (int i = 0; i < list.size(); i++) {
                if (flat) {
                    sb.append(i == 0 || indent < 0 ? "" : " ");
                } else {
                    newline(sb, indent, level + 1);
                }
                write(sb, list.get(i), indent, level + 1);
                if (i < list.size() - 1) {
                    sb.append(',');
                }
            }
            if (!flat && !list.isEmpty()) {
                newline(sb, indent, level);
            }
            sb.append(']');
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
        }
    }

    private static void newline(StringBuilder sb, int indent, int level) {
        if (indent >= 0) {
            sb.append('\n').append(" ".repeat(indent * level));
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    boolean loneSurrogate = Character.isSurrogate(c) && !(Character.isHighSurrogate(c)
                            && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)));
                    if (c < 0x20 || loneSurrogate) {
                        // a lone surrogate has no UTF-8 form; the escape keeps the string intact
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                        if (Character.isHighSurrogate(c)) {
                            sb.append(s.charAt(++i));
                        }
                    }
                }
            }
        }
        sb.append('"');
    }
}
