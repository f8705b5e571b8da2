/**
 * Data sets and batching: {@link polyhead.data.Dataset} (inputs, per-task targets and masks of present labels),
 * {@link polyhead.data.Batch}, seeded shuffling and batching, one data source per task, merging single-task data
 * sets, and reading data sets from CSV files. Text: {@link polyhead.data.Vocabulary} (token ids from the training
 * split) and {@link polyhead.data.SequenceDataset} (token and label id sequences of different lengths), cut by
 * {@link polyhead.data.Batching} into batches padded to their longest sentence, which carry the sentences' lengths.
 * Builds on {@code tensor} and on {@code io} for the file formats; its faults are
 * {@link polyhead.data.DataException}s.
 */
package polyhead.data;
