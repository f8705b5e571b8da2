/**
 * Schedules: pure functions from a step (or epoch) to a value, used for learning rates and scheduled loss weights
 * (constant, step, multi-step, exponential, cosine, warm restarts, linear warm-up, one-cycle, ...), with the
 * arguments' checks. Builds on the JDK only.
 */
package polyhead.optim.schedule;
