package org.bptt.core.verify;

import java.util.ArrayList;
import java.util.List;
import org.bptt.api.Batch;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Quantity;
import org.bptt.api.Results;
import org.bptt.api.Tensor;
import org.bptt.core.compare.IndexLabels;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TensorComparator;
import org.bptt.core.plugins.ExpectedOutputs;
import org.bptt.core.plugins.ResultCheck;

/**
 * Compares an implementation's results with the oracle's, quantity by quantity, in the order of the computation, so
 * that the first failure named is the earliest one (a wrong h makes everything after it wrong too): h (when both
 * offer hidden states), c_t (an LSTM's cell states, when both offer them), y, the forward loss, the loss returned
 * with the gradients, the parameter gradients in their declared order (whatever the spec's cell declares), dL/dx,
 * dL/dh_{-1}, dL/dc_{-1} (an LSTM's) and dL/dh (when both offer them). Per-step tensors skip masked steps. Truncated
 * BPTT has no forward results, and compares dL/dx only when both returned it.
 */
final class ResultComparator {

    private final TensorComparator comparator;

    ResultComparator(TensorComparator comparator) {
        this.comparator = comparator;
    }

    /**
     * @param spec     the implementation's spec (its data type selects the tolerance)
     * @param compared what both plugins offer
     */
    List<QuantityComparison> compare(Results expected, Results actual, ModelSpec spec, Batch batch, ExpectedOutputs compared) {
        DataType type = spec.dataType();
        int steps = batch.steps();
        Tensor mask = batch.mask();
        boolean truncated = expected.forward() == null;
        List<QuantityComparison> comparisons = new ArrayList<>();
        IndexLabels stateLabels = IndexLabels.hiddenPerStep(spec.directions(), spec.hiddenSize());
        IndexLabels initialLabels = IndexLabels.initialStates(spec.topology().single());
        if (!truncated) {
            if (compared.hiddenStates()) {
                comparisons.add(comparator.compare(Quantity.HIDDEN_STATES, expected.forward().hiddenStates(),
                        actual.forward().hiddenStates(), mask, stateLabels, type, steps));
            }
            if (compared.cellStatesOf(spec)) {
                comparisons.add(comparator.compare(Quantity.CELL_STATES, expected.forward().cellStates(),
                        actual.forward().cellStates(), mask, stateLabels, type, steps));
            }
            boolean perStep = spec.head() == Head.PER_STEP_SOFTMAX;
            comparisons.add(comparator.compare(Quantity.OUTPUTS, expected.forward().outputs(), actual.forward().outputs(),
                    mask, perStep ? IndexLabels.OUTPUT_PER_STEP : IndexLabels.OUTPUT_LAST_STEP, type, steps));
            comparisons.add(comparator.compareScalar(Quantity.LOSS, expected.forward().loss(), actual.forward().loss(), type,
                    steps));
        }
        comparisons.add(comparator.compareScalar(Quantity.GRADIENT_LOSS, expected.gradients().loss(),
                actual.gradients().loss(), type, steps));
        Parameters expectedGradients = expected.gradients().parameterGradients();
        Parameters actualGradients = actual.gradients().parameterGradients();
        for (String name : spec.parameterNames()) {
            Tensor value = expectedGradients.get(name);
            comparisons.add(comparator.compare(Quantity.gradientOf(name), value, actualGradients.get(name),
                    null, IndexLabels.generic(value.rank()), type, steps));
        }
        Tensor expectedInput = expected.gradients().inputGradients();
        Tensor actualInput = actual.gradients().inputGradients();
        if (ResultCheck.checksInputGradients(compared, truncated, expectedInput)
                && ResultCheck.checksInputGradients(compared, truncated, actualInput)) {
            comparisons.add(comparator.compare(Quantity.INPUT_GRADIENTS, expectedInput, actualInput, mask,
                    IndexLabels.INPUT_PER_STEP, type, steps));
        }
        if (!truncated && compared.initialStateGradients()) {
            comparisons.add(comparator.compare(Quantity.INITIAL_STATE_GRADIENTS, expected.gradients().initialStateGradients(),
                    actual.gradients().initialStateGradients(), null, initialLabels, type, steps));
        }
        if (!truncated && compared.initialCellStateGradientsOf(spec)) {
            comparisons.add(comparator.compare(Quantity.INITIAL_CELL_STATE_GRADIENTS,
                    expected.gradients().initialCellStateGradients(), actual.gradients().initialCellStateGradients(), null,
                    initialLabels, type, steps));
        }
        if (!truncated && compared.hiddenStateGradients()) {
            comparisons.add(comparator.compare(Quantity.HIDDEN_STATE_GRADIENTS, expected.gradients().hiddenStateGradients(),
                    actual.gradients().hiddenStateGradients(), mask, stateLabels, type, steps));
        }
        return comparisons;
    }
}
