package polyhead.tensor;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * The portable {@link Gemm}, through EJML's {@code CommonOps_FDRM}. The only class in Polyhead that sees EJML
 * types. EJML matrices start at offset 0 and own exactly rows×cols elements, so operands that are slices of a
 * larger array (batched products) are copied in and out.
 */
public final class EjmlGemm implements Gemm {
    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOffset, float[] b, int bOffset, float[] c, int cOffset, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                java.util.Arrays.fill(c, cOffset, cOffset + m * n, 0f);
            }
            return;
        }
        FMatrixRMaj ma = view(a, aOffset, transA ? k : m, transA ? m : k);
        FMatrixRMaj mb = view(b, bOffset, transB ? n : k, transB ? k : n);
        if (transB && !transA) {
            // EJML's multTransB is slower than transposing B and calling mult (BENCHMARKS.md, implementation
            // notes), and X·Wᵀ is every linear layer's forward pass
            mb = CommonOps_FDRM.transpose(mb, null);
            transB = false;
        }
        FMatrixRMaj mc = view(c, cOffset, m, n);
        if (accumulate) {
            if (transA && transB) {
                CommonOps_FDRM.multAddTransAB(ma, mb, mc);
            } else if (transA) {
                CommonOps_FDRM.multAddTransA(ma, mb, mc);
            } else if (transB) {
                CommonOps_FDRM.multAddTransB(ma, mb, mc);
            } else {
                CommonOps_FDRM.multAdd(ma, mb, mc);
            }
        } else {
            if (transA && transB) {
                CommonOps_FDRM.multTransAB(ma, mb, mc);
            } else if (transA) {
                CommonOps_FDRM.multTransA(ma, mb, mc);
            } else if (transB) {
                CommonOps_FDRM.multTransB(ma, mb, mc);
            } else {
                CommonOps_FDRM.mult(ma, mb, mc);
            }
        }
        if (mc.data != c) {
            System.arraycopy(mc.data, 0, c, cOffset, m * n);
        }
    }

    private static FMatrixRMaj view(float[] data, int offset, int rows, int cols) {
        int n = rows * cols;
        if (offset == 0 && data.length == n) {
            return FMatrixRMaj.wrap(rows, cols, data);
        }
        float[] copy = new float[n];
        System.arraycopy(data, offset, copy, 0, n);
        return FMatrixRMaj.wrap(rows, cols, copy);
    }

    @Override
    public String name() {
        return "ejml";
    }
}
