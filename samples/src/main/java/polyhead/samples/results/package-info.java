/**
 * The results table of the multi-task methods: every weighting with hard sharing and every architecture with equal
 * weighting on Multi-Fashion and the MMoE synthetic tasks, against single-task models.
 */
package polyhead.samples.results;
