package polyhead.nn;

import java.util.Random;

import polyhead.tensor.Tensor;

/** Fills a parameter tensor in place, drawing from {@code rng}. Built by {@link Initializers}. */
@FunctionalInterface
public interface Initializer {
    void initialize(Tensor parameter, Random rng);
}
