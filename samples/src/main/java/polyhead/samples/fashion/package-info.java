/**
 * The main job: a multi-task MLP (the W1 model) on Fashion-MNIST with the tasks item and group, through the core's
 * trainer ({@link polyhead.samples.fashion.FashionMultiTask}); the model is shared with the other samples through
 * {@link polyhead.samples.fashion.FashionW1}.
 */
package polyhead.samples.fashion;
