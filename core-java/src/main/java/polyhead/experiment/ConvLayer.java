package polyhead.experiment;

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
    public int[] outputShape(int[] in) {
        Layers.image("conv2d", in);
        return new int[] {filters, Layers.spatial(in[1], kernel, stride, padding, in), Layers.spatial(in[2], kernel, stride, padding, in)};
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
