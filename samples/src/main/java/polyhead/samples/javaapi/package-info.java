/**
 * Sample 6, the Java half: the experiment of {@code samples/specs/fashion.json} built through the core's Java builder
 * API ({@code polyhead.experiment}) rather than the DSL, trained on Fashion-MNIST.
 */
package polyhead.samples.javaapi;
