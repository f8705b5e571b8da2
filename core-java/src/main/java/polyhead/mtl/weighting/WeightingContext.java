package polyhead.mtl.weighting;

import java.util.Random;

/**
 * What a strategy may know about the moment it is called.
 *
 * @param step  optimizer steps taken so far (0 for the first batch)
 * @param epoch the current epoch, from 0
 * @param rng   the run's seeded generator for strategies that draw random weights; using it keeps runs reproducible
 */
public record WeightingContext(long step, int epoch, Random rng) {
}
