/**
 * Joint shape classification and per-pixel segmentation on {@link polyhead.datasets.Shapes}, with a conv trunk and a
 * per-pixel head.
 */
package polyhead.samples.shapes;
