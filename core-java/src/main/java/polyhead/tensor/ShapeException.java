package polyhead.tensor;

/**
 * A tensor shape that does not fit an operation. The message names the shapes involved; {@link #inModule} adds the
 * dotted path of the layer in which it happened (once, by the innermost layer).
 */
public class ShapeException extends IllegalArgumentException {
    private final String modulePath;

    public ShapeException(String message) {
        this(message, null);
    }

    private ShapeException(String message, String modulePath) {
        super(message);
        this.modulePath = modulePath;
    }

    /** The dotted path of the layer where the mismatch happened, or null if it happened outside a layer. */
    public String modulePath() {
        return modulePath;
    }

    /** This error attributed to a layer; an error already attributed to an inner layer is returned unchanged. */
    public ShapeException inModule(String path, String layerType) {
        if (modulePath != null) {
            return this;
        }
        String where = path.isEmpty() ? layerType : path + " (" + layerType + ")";
        ShapeException e = new ShapeException("in " + where + ": " + getMessage(), path);
        e.setStackTrace(getStackTrace());
        return e;
    }
}
