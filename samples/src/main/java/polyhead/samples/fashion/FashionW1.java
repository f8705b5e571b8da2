package polyhead.samples.fashion;

import polyhead.mtl.arch.HardSharing;

/**
 * The main job's model, for other samples: the W1 model of BENCHMARKS.md exactly as {@link FashionMultiTask} builds
 * it (this class only makes it public; the data is {@link polyhead.datasets.FashionMnist.Split#dataset()}).
 */
public final class FashionW1 {
    private FashionW1() {
    }

    /** Trunk 784-256-128 (ReLU), heads item[10] (weight 1) and group[5] (weight 0.5), initialized from {@code seed}. */
    public static HardSharing model(long seed) {
        return FashionMultiTask.model(seed);
    }
}
