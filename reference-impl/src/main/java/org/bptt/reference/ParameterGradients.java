package org.bptt.reference;

import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Accumulators for the parameter gradients dL/dU, dL/dW, dL/db, dL/dV, dL/dc, in the parameters' shapes (biases as
 * columns). The bias gradients are accumulated even for a model without biases, and left out by
 * {@link #toParameters}.
 */
final class ParameterGradients {

    /** dL/dU, {@code [H, d]}. */
    final DMatrixRMaj dU;
    /** dL/dW, {@code [H, H]}. */
    final DMatrixRMaj dW;
    /** dL/db, {@code [H, 1]}. */
    final DMatrixRMaj db;
    /** dL/dV, {@code [K, H]}. */
    final DMatrixRMaj dV;
    /** dL/dc, {@code [K, 1]}. */
    final DMatrixRMaj dc;

    /** All-zero accumulators for {@code spec}. */
    ParameterGradients(ModelSpec spec) {
        int d = spec.inputSize();
        int h = spec.hiddenSize();
        int k = spec.outputSize();
        dU = new DMatrixRMaj(h, d);
        dW = new DMatrixRMaj(h, h);
        db = new DMatrixRMaj(h, 1);
        dV = new DMatrixRMaj(k, h);
        dc = new DMatrixRMaj(k, 1);
    }

    /** Sets every accumulator to zero. Modified: all accumulators. */
    void zero() {
        dU.zero();
        dW.zero();
        db.zero();
        dV.zero();
        dc.zero();
    }

    /** this += other. Modified: this. Not modified: other. */
    void addEquals(ParameterGradients other) {
        CommonOps_DDRM.addEquals(dU, other.dU);
        CommonOps_DDRM.addEquals(dW, other.dW);
        CommonOps_DDRM.addEquals(db, other.db);
        CommonOps_DDRM.addEquals(dV, other.dV);
        CommonOps_DDRM.addEquals(dc, other.dc);
    }

    /** A copy in the API's shapes; b and c are null when {@code biases} is false. */
    Parameters toParameters(boolean biases) {
        return new Parameters(
                Matrices.tensor(dU, dU.numRows, dU.numCols),
                Matrices.tensor(dW, dW.numRows, dW.numCols),
                biases ? Matrices.tensor(db, db.numRows) : null,
                Matrices.tensor(dV, dV.numRows, dV.numCols),
                biases ? Matrices.tensor(dc, dc.numRows) : null);
    }
}
