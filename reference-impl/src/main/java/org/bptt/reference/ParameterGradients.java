package org.bptt.reference;

import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
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

    /** A copy in the API's shapes, of the parameters {@code spec} declares (without biases: U, W and V). */
    Parameters toParameters(ModelSpec spec) {
        return Parameters.of(spec, declaration -> switch (declaration.name()) {
            case ParameterNames.U -> Matrices.tensor(dU, dU.numRows, dU.numCols);
            case ParameterNames.W -> Matrices.tensor(dW, dW.numRows, dW.numCols);
            case ParameterNames.B -> Matrices.tensor(db, db.numRows);
            case ParameterNames.V -> Matrices.tensor(dV, dV.numRows, dV.numCols);
            case ParameterNames.C -> Matrices.tensor(dc, dc.numRows);
            default -> throw new IllegalStateException("the Elman reference has no parameter " + declaration.name());
        });
    }
}
