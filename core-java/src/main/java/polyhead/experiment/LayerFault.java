package polyhead.experiment;

import java.util.function.Function;

/**
 * Why a {@link Layer} cannot take its input: the setting at fault ({@code kernel}, {@code padding}; null for the
 * layer as a whole) and the reason, worded for the surface that reports it ({@link Naming}). Its
 * {@link #getMessage()} is the Java builder's wording.
 */
public final class LayerFault extends IllegalArgumentException {
    private final String field;
    private final transient Function<Naming, String> text;

    /** A fault of the layer as a whole, with the same words on every surface. */
    public LayerFault(String message) {
        this(null, n -> message);
    }

    /** A fault of the setting {@code field} (null: the whole layer), worded by {@code text} for each surface. */
    public LayerFault(String field, Function<Naming, String> text) {
        super(text.apply(Naming.JAVA));
        this.field = field;
        this.text = text;
    }

    /** The setting at fault, or null for the layer as a whole. */
    public String field() {
        return field;
    }

    /** The reason in the words of {@code naming}. */
    public String message(Naming naming) {
        return text.apply(naming);
    }
}
