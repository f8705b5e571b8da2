/**
 * Data sets and batching: {@link polyhead.data.Dataset} (inputs, per-task targets and masks of present labels),
 * {@link polyhead.data.Batch}, seeded shuffling and batching, one data source per task, merging single-task data
 * sets, and reading data sets from CSV files. Builds on {@code tensor} and on {@code io} for the file formats; its
 * faults are {@link polyhead.data.DataException}s.
 */
package polyhead.data;
