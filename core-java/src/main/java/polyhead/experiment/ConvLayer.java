package polyhead.experiment;

import java.util.Map;
import java.util.Random;

import polyhead.nn.Conv2d;
import polyhead.nn.Initializer;
import polyhead.nn.Initializers;
import polyhead.nn.Module;

/** A 2-D convolution, made by {@link Layers#conv2d}; {@link #init} sets its initializers. */
public record ConvLayer(int filters, int kernel, int stride, int padding, boolean bias, Initializer weightInit,
                   Initializer biasInit) implements Layer {
    /** This layer with weight and bias initializers (null keeps the default of {@link Conv2d}). */
    public ConvLayer init(Initializer weight, Initializer bias) {
        return new ConvLayer(filters, kernel, stride, padding, this.bias, weight, bias);
    }

    @Override
    public String type() {
        return "conv2d";
    }

    @Override
    public Map<String, Object> settings() {
        return Layers.settingsOf(type(), "filters", filters, "kernel", kernel, "stride", stride, "padding", padding,
                "bias", bias);
    }

    @Override
    public int[] outputShape(int[] in) {
        Layers.image("conv2d", in);
        int[] hw = Layers.spatial(kernel, stride, padding, in);
        return new int[] {filters, hw[0], hw[1]};
    }

    @Override
    public long weightElements(int[] in) {
        return ModelChecks.product(filters, in.length > 0 ? in[0] : 1, kernel, kernel);
    }

    @Override
    public Module create(int[] in, Random rng) {
        if (weightInit == null && biasInit == null) {
            return new Conv2d(in[0], filters, kernel, stride, padding, bias, rng);
        }
        Conv2d c = new Conv2d(in[0], filters, kernel, stride, padding, bias, Layers.scratch());
        Initializer defaults = Initializers.defaultBias(in[0] * kernel * kernel);
        return c.initialize(Layers.orDefault(weightInit), biasInit != null ? biasInit : defaults, rng);
    }
}
