package polyhead.samples.fashion;

import polyhead.datasets.FashionMnist;
import polyhead.data.Dataset;
import polyhead.mtl.arch.HardSharing;

/**
 * The main job's model and data, for other samples: the W1 model of BENCHMARKS.md and the two-task Fashion-MNIST
 * dataset, exactly as {@link FashionMultiTask} builds them (this class only makes them public).
 */
public final class FashionW1 {
    private FashionW1() {
    }

    /** Trunk 784-256-128 (ReLU), heads item[10] (weight 1) and group[5] (weight 0.5), initialized from {@code seed}. */
    public static HardSharing model(long seed) {
        return FashionMultiTask.model(seed);
    }

}
