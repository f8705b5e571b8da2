/**
 * Synchronous data-parallel, multi-task aware training of a Polyhead experiment on Apache Spark: {@link
 * polyhead.spark.PolyheadSpark#fit} runs one replica of the model per task of a barrier stage, each on its shard of
 * every global batch, and the replicas sum what the weighting needs every step through a
 * {@link polyhead.train.GradientExchange} ({@link polyhead.spark.BarrierExchange}), so that all apply the same
 * update; it writes the run folder a local run writes ({@code polyhead.report}). {@link polyhead.spark.SparkMain} is
 * the main class {@code spark-submit} runs (picocli). Builds on {@code polyhead.train}, {@code polyhead.experiment}, {@code polyhead.data}, {@code polyhead.report}, the
 * DSL's spec compiler, and Spark (provided by the cluster).
 */
package polyhead.spark;
