/**
 * File formats, each read strictly and written atomically: JSON, safetensors, IDX (MNIST's format), and the parts
 * every CSV reader shares (splitting records, parsing number cells, showing a cell in a message). Faults are {@link
 * polyhead.io.FormatException}s naming the file and the place. Knows nothing of models or data sets: builds on
 * {@code tensor} only.
 */
package polyhead.io;
