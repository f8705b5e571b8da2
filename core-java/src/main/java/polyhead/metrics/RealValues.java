package polyhead.metrics;

import polyhead.tensor.Tensor;

/**
 * The labelled elements of a regression batch, validated, in double: predictions and targets of one shape [N] or
 * [N, d1, …], every element of a sample whose mask is 1 (targets must be finite there).
 */
record RealValues(double[] predictions, double[] targets) {
    static RealValues of(String metric, Tensor predictions, Tensor targets, Tensor mask) {
        Inputs.requireEqualShapes(metric, "predictions", predictions, targets, "equal shapes [N] or [N, D]");
        String shapes = Inputs.shapes("predictions", predictions, targets);
        int samples = predictions.shape().dim(0);
        int perSample = predictions.shape().sizeBetween(1, predictions.rank());
        boolean[] kept = Inputs.keptSamples(metric, shapes, samples, mask);
        int labelled = 0;
        for (boolean k : kept) {
            labelled += k ? perSample : 0;
        }
        double[] p = new double[labelled];
        double[] t = new double[labelled];
        float[] x = predictions.data();
        int i = 0;
        for (int n = 0; n < samples; n++) {
            for (int e = n * perSample; kept[n] && e < (n + 1) * perSample; e++, i++) {
                t[i] = Inputs.realValue(metric, targets, e);
                p[i] = x[e];
            }
        }
        return new RealValues(p, t);
    }

    int size() {
        return targets.length;
    }

    double prediction(int i) {
        return predictions[i];
    }

    double target(int i) {
        return targets[i];
    }
}
