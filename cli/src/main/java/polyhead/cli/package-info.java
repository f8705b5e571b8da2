/**
 * The {@code polyhead} command-line tool: the commands train, evaluate, predict and inspect ({@link polyhead.cli.Polyhead}
 * parses them with picocli and maps faults to exit codes), run folders (spec, data options, checkpoints, history,
 * metrics and PNG plots, whose content {@link polyhead.report} makes), and the data options that pick a built-in dataset or a CSV file. It builds
 * on the DSL's JSON specs and scripts ({@code polyhead.dsl}), the core's trainer and checkpoints, and
 * {@link polyhead.datasets}; the {@code bench} command comes from {@link polyhead.cli.bench}.
 */
package polyhead.cli;
