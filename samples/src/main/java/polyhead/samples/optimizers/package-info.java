/**
 * The core's finished optimizers (SGD, momentum, Adam, AMSGrad, AdamW) compared on the main job's model and data.
 */
package polyhead.samples.optimizers;
