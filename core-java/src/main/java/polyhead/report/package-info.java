/**
 * A finished run's report, the part of its run folder that is not checkpoints: {@link polyhead.report.RunReport}
 * (the content of {@code metrics.json}: per-task test metrics and what produced them — spec, seed, data, versions —
 * and the per-task table printed at the end) and {@link polyhead.report.HistoryPlots} (the PNG plots of its history,
 * drawn with XChart). Written alike by a local run ({@code polyhead train}) and a data-parallel one
 * ({@code polyhead.spark}), so both leave the same run folder. Builds on {@code train} (the history),
 * {@code checkpoint}, {@code metrics} and {@code io}.
 */
package polyhead.report;
