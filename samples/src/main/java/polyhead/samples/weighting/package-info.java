/**
 * What each weighting strategy of the core costs per training step on the W1 model, measured on the user's machine.
 */
package polyhead.samples.weighting;
