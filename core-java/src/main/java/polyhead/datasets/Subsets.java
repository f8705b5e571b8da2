package polyhead.datasets;

import polyhead.data.Dataset;

/** The {@code --limit N} of the tool and the samples: the first rows of a dataset, for quick runs. */
public final class Subsets {
    private Subsets() {
    }

    /** The first {@code limit} rows of {@code d}, in order; all of them when {@code limit} is 0 or at least its size. */
    public static Dataset first(Dataset d, int limit) {
        if (limit <= 0 || limit >= d.size()) {
            return d;
        }
        int[] rows = new int[limit];
        for (int i = 0; i < limit; i++) {
            rows[i] = i;
        }
        return d.rows(rows);
    }
}
