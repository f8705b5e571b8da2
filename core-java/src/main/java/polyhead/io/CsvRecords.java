package polyhead.io;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits CSV text into records (RFC 4180): fields separated by a delimiter, records ended by LF, CRLF or CR; a field
 * in double quotes may hold delimiters, line breaks and doubled quotes ({@code ""} for one {@code "}). Lines with no
 * characters at all are skipped. Tracks 1-based line numbers so faults can name the line a record starts on.
 *
 * <p>Not thread-safe; one instance reads one file once.
 */
public final class CsvRecords {
    private static final int EOF = -1;
    private final Reader in;
    private final char delimiter;
    private final String file;
    private final char[] buf = new char[1 << 16];
    private int pos;
    private int limit;
    private int line = 1;
    private int recordLine;
    private List<String> header;
    private final StringBuilder field = new StringBuilder();
    private final List<String> fields = new ArrayList<>();

    public CsvRecords(Reader in, char delimiter, String file) {
        this.in = in;
        this.delimiter = delimiter;
        this.file = file;
    }

    /** Names columns in syntax errors once the header is known. */
    public void header(List<String> names) {
        header = names;
    }

    /** The line (1-based) the record last returned by {@link #next} starts on. */
    public int line() {
        return recordLine;
    }

    /** The fields of the next record (a list reused by the next call), or null at the end of the text. */
    public List<String> next() throws IOException {
        fields.clear();
        int c;
        while (true) {
            c = peek();
            if (c == EOF) {
                return null;
            }
            if (c == '\n' || c == '\r') {
                newline();
                continue;
            }
            break;
        }
        recordLine = line;
        while (true) {
            field.setLength(0);
            if (peek() == '"') {
                pos++;
                quoted();
            } else {
                unquoted();
            }
            fields.add(field.toString());
            c = peek();
            if (c == delimiter) {
                pos++;
                continue;
            }
            if (c == '\n' || c == '\r') {
                newline();
            }
            return fields;
        }
    }

    private void unquoted() throws IOException {
        while (true) {
            if (pos == limit && !fill()) {
                return;
            }
            int start = pos;
            while (pos < limit) {
                char ch = buf[pos];
                if (ch == delimiter || ch == '\n' || ch == '\r') {
                    field.append(buf, start, pos - start);
                    return;
                }
                if (ch == '"') {
                    throw fault("a quote inside an unquoted field (quote the whole field and double inner quotes)");
                }
                pos++;
            }
            field.append(buf, start, pos - start);
        }
    }

    private void quoted() throws IOException {
        int opened = line;
        while (true) {
            if (pos == limit && !fill()) {
                throw fault("quoted field opened on line " + opened + " is never closed");
            }
            char ch = buf[pos++];
            if (ch == '"') {
                int next = peek();
                if (next == '"') {
                    pos++;
                    field.append('"');
                    continue;
                }
                if (next != EOF && next != delimiter && next != '\n' && next != '\r') {
                    throw fault("characters after the closing quote of a quoted field");
                }
                return;
            }
            if (ch == '\n' || (ch == '\r' && peek() != '\n')) {
                line++;
            }
            field.append(ch);
        }
    }

    /** Consumes one line break (LF, CRLF or CR). */
    private void newline() throws IOException {
        if (buf[pos++] == '\r' && peek() == '\n') {
            pos++;
        }
        line++;
    }

    private int peek() throws IOException {
        if (pos == limit && !fill()) {
            return EOF;
        }
        return buf[pos];
    }

    private boolean fill() throws IOException {
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    private FormatException fault(String message) {
        int index = fields.size();
        String column = header != null && index < header.size() ? "column " + show(header.get(index))
                : "field " + (index + 1);
        return new FormatException(file + ": line " + recordLine + ", " + column + ": " + message);
    }

    /** A cell or column name as shown in a message: {@link UserText#quote}. */
    public static String show(String cell) {
        return UserText.quote(cell);
    }

    /**
     * One record as RFC 4180 writes it, comma-separated and ended by a line feed: a field holding a comma, a double
     * quote, a line break or leading or trailing spaces is written in double quotes with its quotes doubled; any
     * other field as it is (and a record of one empty field as {@code ""}, which is not a blank line). {@link
     * CsvRecords} reads the line back into the same fields, whatever they hold.
     */
    public static String format(List<String> fields) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            String f = fields.get(i);
            if (i > 0) {
                sb.append(',');
            }
            boolean quote = f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0
                    || !f.equals(f.strip()) || f.isEmpty() && fields.size() == 1;
            sb.append(quote ? '"' + f.replace("\"", "\"\"") + '"' : f);
        }
        return sb.append('\n').toString();
    }
}
