package polyhead.data;

/** What a task's labels are; decides which losses and metrics fit the task. */
public enum LabelType {
    /** One class index per sample, targets [N], predictions logits [N, C]. */
    CLASS_INDEX,
    /** One or more 0/1 labels per sample, targets of the prediction's shape, predictions logits. */
    BINARY,
    /** Real values, targets of the prediction's shape ([N] or [N, D]). */
    REAL_VECTOR,
    /** A class index per pixel, targets [N, H, W], predictions logits [N, C, H, W]. */
    PIXEL_CLASS_MAP,
    /**
     * A class index per token of padded sequences (a tag per word), targets [N, T], predictions logits [N, T, C]
     * (classes last: a head applied at every step), mask [N, T] (0 at padding and at missing labels).
     */
    TOKEN_CLASS
}
