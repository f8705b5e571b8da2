/**
 * What the sample projects share: {@link polyhead.samples.SampleCommand}, their command line (picocli: typed options,
 * a generated usage, one-line errors and exit codes), and {@link polyhead.samples.EpochTimes}. Each sample lives in a
 * package of its own below this one and builds on the core (and, for sample 6, the DSL); nothing here is used by the
 * command-line tool.
 */
package polyhead.samples;
