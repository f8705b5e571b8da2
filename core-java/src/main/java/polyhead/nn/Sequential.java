package polyhead.nn;

import java.util.List;

import polyhead.autodiff.Var;

/** Modules applied in order, registered as {@code 0, 1, 2, ...} as in PyTorch. */
public final class Sequential extends Module {
    private final Module[] layers;

    public Sequential(Module... layers) {
        this.layers = layers.clone();
        for (int i = 0; i < layers.length; i++) {
            registerModule(Integer.toString(i), layers[i]);
        }
    }

    public Sequential(List<? extends Module> layers) {
        this(layers.toArray(new Module[0]));
    }

    /** The i-th layer. */
    public Module get(int i) {
        return layers[i];
    }

    public int size() {
        return layers.length;
    }

    @Override
    protected Var forward(Var x) {
        Var h = x;
        for (int i = 0; i < layers.length; i++) {
            // a Linear followed by a ReLU runs as one fused node (MatMul.linearRelu: same values and gradients, one
            // tensor and one pass fewer); not while a summary records every layer's output
            if (layers[i] instanceof Conv2d conv && i + 2 < layers.length && layers[i + 1] instanceof Activation a
                    && a.isRelu() && layers[i + 2] instanceof MaxPool2d pool && pool.isTwoByTwo()
                    && !Summary.isRecording()) {
                // a convolution, a ReLU and a 2×2 max pooling: one node (Convolution.conv2dReluMaxPool2x2, the same
                // values and gradients; the convolution's output is pooled in cache and never written out)
                h = conv.callWithReluMaxPool2x2(h);
                i += 2;
            } else if (layers[i] instanceof Linear linear && i + 1 < layers.length && layers[i + 1] instanceof Activation a
                    && a.isRelu() && !Summary.isRecording()) {
                h = linear.callWithRelu(h);
                i++;
            } else if (layers[i] instanceof Activation a && a.isRelu() && i + 1 < layers.length
                    && layers[i + 1] instanceof MaxPool2d pool && !Summary.isRecording()) {
                // likewise a ReLU followed by a max pooling (Pooling.reluMaxPool2d: the ReLU on the pooled tensor)
                h = pool.callAfterRelu(h);
                i++;
            } else {
                h = layers[i].call(h);
            }
        }
        return h;
    }
}
