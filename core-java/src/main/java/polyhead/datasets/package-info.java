/**
 * Built-in datasets that work offline, shared by the command-line tool and the sample projects (as keras.datasets
 * or torchvision.datasets): Fashion-MNIST as two tasks (item and group), Multi-Fashion (two items on one canvas),
 * the MMoE synthetic generator with a controlled task correlation, shapes for classification with segmentation, and
 * the tagged Brown corpus as sequence data (fine tag and universal tag per token, genre per sentence);
 * plus the first-rows subsets behind {@code --limit}. They build on {@link polyhead.data} (datasets, faults as
 * {@link polyhead.data.DataException}) and read shipped files through {@link polyhead.io.Idx}. Fashion-MNIST is read
 * from a given folder, else Debian's {@code /usr/share/datasets/fashion-mnist}, else the subset shipped in
 * {@code samples/data/fashion-mnist}; Brown from a given folder or the shipped {@code samples/data/brown}.
 */
package polyhead.datasets;
