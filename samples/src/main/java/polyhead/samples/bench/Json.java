package polyhead.samples.bench;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** Writes the bench's results (maps, strings, numbers, booleans, double arrays) as JSON. */
final class Json {
    private Json() {
    }

    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, "");
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, String indent) {
        if (v instanceof Map<?, ?> map) {
            sb.append("{");
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            String inner = indent + " ";
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                sb.append("\n").append(inner);
                string(sb, String.valueOf(e.getKey()));
                sb.append(": ");
                write(sb, e.getValue(), inner);
                if (it.hasNext()) {
                    sb.append(",");
                }
            }
            sb.append("\n").append(indent).append("}");
        } else if (v instanceof double[] xs) {
            sb.append("[");
            for (int i = 0; i < xs.length; i++) {
                sb.append(i == 0 ? "" : ", ");
                number(sb, xs[i]);
            }
            sb.append("]");
        } else if (v instanceof Double d) {
            number(sb, d);
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else {
            string(sb, String.valueOf(v));
        }
    }

    private static void number(StringBuilder sb, double d) {
        sb.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "null");
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('"');
    }
}
