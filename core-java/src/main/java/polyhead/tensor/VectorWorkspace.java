package polyhead.tensor;

import static polyhead.tensor.PackedProduct.MR;
import static polyhead.tensor.PackedProduct.NR;

/**
 * Per-thread buffers of {@link VectorGemm} and {@link VectorDirectConvolution}, grown on demand and kept: packed
 * panels for the sequential path, a scratch edge tile, strips and tiles of the in-place paths, and the direct
 * convolutions' row offsets and padded copies.
 */
final class VectorWorkspace {
    private static final ThreadLocal<VectorWorkspace> WORKSPACE = ThreadLocal.withInitial(VectorWorkspace::new);

    float[] packedA = new float[0];
    float[] packedB = new float[0];
    final float[] tile = new float[MR * NR];
    float[] strip = new float[0];
    float[] rowsTile = new float[0];
    int[] rowOffsets = new int[0];
    float[] paddedX = new float[0];
    float[] paddedG = new float[0];
    /** {@link VectorDirectConvolution#weightGradient}'s padded input seen from each kernel column. */
    float[] shiftedX = new float[0];

    /** Buffers for the direct weight gradient's padded copies of the input and the output gradient. */
    float[] paddedX(int size) {
        if (paddedX.length < size) {
            paddedX = new float[size];
        }
        return paddedX;
    }

    float[] shiftedX(int size) {
        if (shiftedX.length < size) {
            shiftedX = new float[size];
        }
        return shiftedX;
    }

    float[] paddedG(int size) {
        if (paddedG.length < size) {
            paddedG = new float[size];
        }
        return paddedG;
    }

    int[] rowOffsets(int size) {
        if (rowOffsets.length < size) {
            rowOffsets = new int[size];
        }
        return rowOffsets;
    }

    float[] strip(int size) {
        if (strip.length < size) {
            strip = new float[size];
        }
        return strip;
    }

    float[] rowsTile(int size) {
        if (rowsTile.length < size) {
            rowsTile = new float[size];
        }
        return rowsTile;
    }

    float[] packedA(int size) {
        if (packedA.length < size) {
            packedA = new float[size];
        }
        return packedA;
    }

    float[] packedB(int size) {
        if (packedB.length < size) {
            packedB = new float[size];
        }
        return packedB;
    }

    /** This thread's buffers. */
    static VectorWorkspace get() {
        return WORKSPACE.get();
    }
}
