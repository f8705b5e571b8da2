package polyhead.io;

import java.text.Normalizer;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * What a user may write as a name or a label, checked where it enters (spec, Java builder, CSV header, command line),
 * and how any text a user wrote is quoted in a message. The one statement of both character sets:
 *
 * <ul>
 *   <li><b>A name</b> — of a task, a named input, a CSV column read as a target — is 1 to {@value #MAX_NAME}
 *       characters (code points), each a letter or a digit of any script (Unicode categories L and Nd), a combining
 *       mark (M, which scripts such as Devanagari need), {@code _} or {@code -}. So {@code price}, {@code y_2},
 *       {@code größe}, {@code 分類}, {@code वर्ग} are names; a space, a dot (it separates the parts of parameter and
 *       history keys: {@code heads.item.weight}, {@code val.item.accuracy}), a slash, a comma, a quote and every
 *       control character are not. Names become parts of file names ({@code loss-<task>.png}) and CSV headers, and
 *       this set makes both safe with no encoding: no path separator, none of Windows' forbidden characters
 *       ({@code <>:"/\|?*}), no control character; every derived file has a prefix and an extension, so a reserved
 *       Windows name ({@code CON}, {@code NUL}) or a trailing dot or space never forms a whole name; and the length
 *       keeps a derived file name under 255 bytes. Two names of one experiment must also differ in more than case
 *       and Unicode normalization ({@link #fileKey}): {@code A} and {@code a} would write one file on macOS and
 *       Windows.
 *   <li><b>A label</b> — a class name, a CSV column name that is not a target (a feature, sample weights) — is any
 *       text of 1 to {@value #MAX_LABEL} characters without a control character (Unicode Cc: C0, DEL, C1), a line or
 *       paragraph separator, a bidirectional override or isolate (which reorder what a terminal shows), a lone
 *       surrogate or an unassigned code point. Spaces, commas and quotes are allowed: CSV files the tool writes quote
 *       them (RFC 4180, {@link CsvRecords#format}).
 * </ul>
 *
 * <p>A refused name or label is one line naming the character, never printing it raw: {@code U+001B (escape) at
 * character 2}. Messages that quote user text use {@link #quote}, which escapes what a terminal would act on.
 */
public final class UserText {
    /** The most characters (code points) of a name: {@code metrics-<name>.png} stays within 255 bytes of UTF-8. */
    public static final int MAX_NAME = 60;
    /** The most characters (code points) of a label. */
    public static final int MAX_LABEL = 200;
    /** The most characters {@link #quote} shows of a text before it cuts it with "…". */
    private static final int MAX_SHOWN = 40;

    private UserText() {
    }

    /**
     * Why {@code name} is not a name by the rule above, as a sentence without its subject ({@code "U+002C (,) at
     * character 2 is not allowed in a name (letters, digits, '_' and '-' are)"}), or null if it is one.
     */
    public static String nameFault(String name) {
        return fault(name, "name", MAX_NAME, UserText::nameCharacter, c -> "letters, digits, '_' and '-' are"
                + (c == '.' ? "; a dot separates the parts of parameter and metric names" : ""));
    }

    /** Why {@code label} is not a label by the rule above, or null if it is one. */
    public static String labelFault(String label) {
        return fault(label, "label", MAX_LABEL, c -> !unshowable(c), c -> "no control characters");
    }

    /** The first fault of {@code text} as a {@code kind} of 1 to {@code max} code points each {@code allowed}. */
    private static String fault(String text, String kind, int max, IntPredicate allowed, IntFunction<String> rule) {
        if (text.isEmpty()) {
            return "a " + kind + " cannot be empty";
        }
        int count = text.codePointCount(0, text.length());
        if (count > max) {
            return "a " + kind + " has at most " + max + " characters, got " + count;
        }
        int at = 1;
        for (int i = 0; i < text.length(); at++) {
            int c = text.codePointAt(i);
            if (!allowed.test(c)) {
                return describe(c) + " at character " + at + " is not allowed in a " + kind + " (" + rule.apply(c) + ")";
            }
            i += Character.charCount(c);
        }
        return null;
    }

    /**
     * The key under which names write the same files on a case-insensitive or normalizing file system (macOS,
     * Windows): compatibility-normalized and case-folded. Two names of one experiment with equal keys are refused.
     */
    public static String fileKey(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFKC).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    /**
     * Why {@code name} cannot stand beside {@code other} in one experiment although the two differ ({@link #fileKey}
     * is equal): the end of a sentence.
     */
    public static String sameFiles(String name, String other) {
        return "differs from " + quote(other) + " only in case or Unicode normalization, so their files (e.g. "
                + "loss-<task>.png) would be one file on macOS and Windows";
    }

    /**
     * {@code text} as a message shows it: in single quotes, on one line, cut after a few dozen characters, and every
     * character a terminal would act on or that is not shown (controls, separators, bidirectional overrides, lone
     * surrogates, unassigned) written as {@code \}{@code u001B}, so that a message never carries them raw.
     */
    public static String quote(String text) {
        return "'" + shown(text) + "'";
    }

    /** {@code text} as {@link #quote} shows it, without the quotes: for a list of names such as a CSV header. */
    public static String shown(String text) {
        int cut = text.codePointCount(0, text.length()) > MAX_SHOWN ? text.offsetByCodePoints(0, MAX_SHOWN) : -1;
        return printable(cut < 0 ? text : text.substring(0, cut)) + (cut < 0 ? "" : "…");
    }

    /**
     * {@code text} with every character {@link #quote} escapes written as an escape and nothing cut: for a line of
     * a message assembled elsewhere, before it reaches a terminal.
     */
    public static String printable(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            int n = Character.charCount(c);
            if (unshowable(c)) {
                if (sb == null) {
                    sb = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                sb.append(String.format(Locale.ROOT, c > 0xFFFF ? "\\U%08X" : "\\u%04X", c));
            } else if (sb != null) {
                sb.appendCodePoint(c);
            }
            i += n;
        }
        return sb == null ? text : sb.toString();
    }

    /**
     * A code point as a message names it: {@code U+00E9 (é)}, {@code U+002C (,)}, and by its Unicode name when it
     * shows no glyph of its own: {@code U+001B (escape)}, {@code U+200B (zero width space)}.
     */
    public static String describe(int c) {
        String name = switch (c) {
            case 0 -> "NUL";
            case '\t' -> "tab";
            case '\n' -> "line feed";
            case '\r' -> "carriage return";
            case 0x1B -> "escape";
            case ' ' -> "space";
            case 0x7F -> "delete";
            case 0xA0 -> "no-break space";
            default -> visible(c) ? new String(Character.toChars(c)) : nameOf(c);
        };
        return String.format(Locale.ROOT, "U+%04X (%s)", c, name);
    }

    /** Whether {@code c} shows as a glyph of its own: a letter, a number, a punctuation mark or a symbol. */
    private static boolean visible(int c) {
        return switch (Character.getType(c)) {
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.CONTROL,
                 Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> false;
            default -> true;
        };
    }

    /** The Unicode name of {@code c} in lower case, or "unassigned". */
    private static String nameOf(int c) {
        String name = Character.getName(c);
        return name == null ? "unassigned" : name.toLowerCase(Locale.ROOT);
    }

    private static boolean nameCharacter(int c) {
        return Character.isLetter(c) || Character.isDigit(c) || c == '_' || c == '-' || switch (Character.getType(c)) {
            case Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK -> true;
            default -> false;
        };
    }

    /** What a message or a label never carries raw. */
    private static boolean unshowable(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SURROGATE,
                 Character.UNASSIGNED -> true;
            // bidirectional embeddings, overrides and isolates: they reorder the rest of a terminal's line
            default -> c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069;
        };
    }
}
