package org.bptt.reference;

import java.util.LinkedHashMap;
import java.util.Map;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ParameterName;
import org.bptt.api.Parameters;
import org.ejml.data.DMatrixRMaj;

/**
 * Accumulators for the parameter gradients dL/dθ, one per parameter name, in the parameters' shapes (vectors as
 * columns). There is one for every parameter the model's cell can have, whatever its options: the biases of a model
 * without biases, the recurrent-side biases of a gated cell with one bias vector and the peepholes of an LSTM
 * without them are accumulated too (their terms in the equations are zero, their gradients are not), so that a
 * step-backprop is one chain rule for every option; {@link #toParameters} then leaves out what the model does not
 * declare.
 */
final class ParameterGradients {

    /** The accumulators by parameter name, in the declared order. */
    private final Map<String, DMatrixRMaj> byName = new LinkedHashMap<>();

    /** All-zero accumulators for {@code spec}'s cell and head (every layer's and direction's cell, in a stack). */
    ParameterGradients(ModelSpec spec) {
        for (ParameterDeclaration declaration : withEveryParameter(spec).parameters()) {
            int[] shape = declaration.shape();
            byName.put(declaration.name(), new DMatrixRMaj(shape[0], shape.length == 1 ? 1 : shape[1]));
        }
    }

    /** {@code spec} with biases, and for a gated cell two bias vectors per gate and (for an LSTM) peepholes. */
    private static ModelSpec withEveryParameter(ModelSpec spec) {
        ModelSpec withBiases = spec.withBiases(true);
        if (spec.cell() == Cell.ELMAN) {
            return withBiases;
        }
        CellOptions options = spec.cellOptions();
        return withBiases.withCell(spec.cell(),
                new CellOptions(options.resetPlacement(), spec.cell() == Cell.LSTM, true));
    }

    private ParameterGradients(Map<String, DMatrixRMaj> byName) {
        this.byName.putAll(byName);
    }

    /**
     * The accumulators of one layer's and direction's cell parameters under their bare names ({@code l1.reverse.W}
     * as {@code W}), so that the cell's step-backprop accumulates into them as into a one-layer network's. A view:
     * it shares the accumulators with this.
     */
    ParameterGradients layer(int layer, boolean reverse) {
        Map<String, DMatrixRMaj> bare = new LinkedHashMap<>();
        byName.forEach((name, accumulator) -> {
            ParameterName placed = ParameterName.parse(name);
            if (!placed.head() && placed.layer() == layer && placed.reverse() == reverse) {
                bare.put(placed.base(), accumulator);
            }
        });
        return new ParameterGradients(bare);
    }

    /**
     * The accumulator of dL/d{@code name}.
     *
     * @throws IllegalStateException when the model's cell and head have no parameter of that name
     */
    DMatrixRMaj get(String name) {
        DMatrixRMaj accumulator = byName.get(name);
        if (accumulator == null) {
            throw new IllegalStateException("this model has no parameter " + name + "; it has " + byName.keySet());
        }
        return accumulator;
    }

    /** Sets every accumulator to zero. Modified: all accumulators. */
    void zero() {
        byName.values().forEach(DMatrixRMaj::zero);
    }

    /** A copy in the API's shapes, of the parameters {@code spec} declares (without biases: U, W and V for Elman). */
    Parameters toParameters(ModelSpec spec) {
        return Parameters.of(spec, declaration -> Matrices.tensor(byName.get(declaration.name()), declaration.shape()));
    }
}
