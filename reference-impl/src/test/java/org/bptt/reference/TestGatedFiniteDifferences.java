package org.bptt.reference;

import static org.bptt.reference.TensorAssertions.assertSameGradients;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GRU's and the LSTM's gradients, by the aggregated and by the naive BPTT, against central differences of the
 * loss (ε = 1e-5), on every cell option × head × mask × initial state (h_{-1}, and c_{-1} for the LSTM) × B ∈ {1, 3}
 * × T ∈ {1, 2, 3, 17}, the loss reduction cycling through its three values: dL/dθ for every declared parameter,
 * dL/dx_t, dL/dh_{-1} and dL/dc_{-1}. The naive and the aggregated BPTT also agree with each other to rounding.
 *
 * <p>Tolerances: against central differences, 1e-6 relative plus 1e-9 absolute, as for the Elman cell
 * ({@link TestFiniteDifferences}, which explains them); naive against aggregated, 1e-12 relative plus 1e-14 of the
 * tensor's largest element, as in {@link TestAlgorithmsAgree}. d = 2, H = 3, K = 4 (K = 1 for the sigmoid head):
 * every dimension differs, so that a transposed matrix cannot pass.
 *
 * <p>Some gradients are exactly zero in some cases (at T = 1 from h_{-1} = 0 the reset gate and W_* see a zero
 * state; from c_{-1} = 0 the forget gate has nothing to forget), so each quantity must have had non-zero elements
 * somewhere in the grid, not in every case.
 */
class TestGatedFiniteDifferences extends ReferenceTestBase {

    private static final double EPSILON = 1e-5;
    private static final double RELATIVE = 1e-6;
    private static final double ABSOLUTE = 1e-9;

    static Stream<ModelSpec> gatedModels() {
        return GatedSpecs.everyOption(ModelSpec.of(2, 3, 4)).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gatedModels")
    void bothAlgorithmsAgreeWithCentralDifferences(ModelSpec model) {
        Map<String, Integer> nonZeroChecked = new TreeMap<>();
        int combination = 0;
        for (Head head : Head.values()) {
            for (boolean masked : new boolean[] {false, true}) {
                for (boolean initialState : new boolean[] {false, true}) {
                    for (int batchSize : new int[] {1, 3}) {
                        for (int steps : new int[] {1, 2, 3, 17}) {
                            LossReduction reduction = LossReduction.values()[combination++ % LossReduction.values().length];
                            ModelSpec spec = model.withHead(head).withReduction(reduction);
                            check(RandomCases.build(spec, batchSize, steps, masked, initialState, random), nonZeroChecked);
                        }
                    }
                }
            }
        }
        List<String> quantities = new ArrayList<>(model.parameters().stream().map(p -> "dL/d" + p.name()).toList());
        quantities.addAll(List.of("dL/dx", "dL/dh_{-1}"));
        if (model.cell().hasCellState()) {
            quantities.add("dL/dc_{-1}");
        }
        for (String quantity : quantities) {
            assertTrue(nonZeroChecked.getOrDefault(quantity, 0) > 0, quantity + " was zero in every case: nothing was checked");
        }
    }

    /** Checks one case; adds to {@code nonZeroChecked}, by quantity, how many non-zero gradient elements it checked. */
    private static void check(Case testCase, Map<String, Integer> nonZeroChecked) {
        ModelSpec spec = testCase.spec();
        Parameters parameters = testCase.parameters();
        Batch batch = testCase.batch();
        GradientResult aggregated = AggregatedBptt.gradients(spec, parameters, batch, new StepBackpropCounter());
        GradientResult naive = NaiveBptt.gradients(spec, parameters, batch, new StepBackpropCounter());
        assertSameGradients(testCase.id() + " naive vs aggregated", aggregated, naive,
                TestAlgorithmsAgree.RELATIVE, TestAlgorithmsAgree.FLOOR);
        for (GradientResult gradients : List.of(aggregated, naive)) {
            String what = testCase.id() + (gradients == aggregated ? " aggregated" : " naive");
            for (String name : parameters.byName().keySet()) {
                Tensor copy = parameters.get(name).copy();
                Parameters perturbed = parameters.with(name, copy);
                nonZeroChecked.merge("dL/d" + name, CentralDifferences.compare(what + " dL/d" + name, copy,
                        gradients.parameterGradients().get(name), () -> loss(spec, perturbed, batch), EPSILON, RELATIVE,
                        ABSOLUTE), Integer::sum);
            }
            Tensor inputs = batch.inputs().copy();
            Batch withInputs = new Batch(inputs, batch.targets(), batch.mask(), batch.initialState(), batch.initialCellState());
            nonZeroChecked.merge("dL/dx", CentralDifferences.compare(what + " dL/dx", inputs, gradients.inputGradients(),
                    () -> loss(spec, parameters, withInputs), EPSILON, RELATIVE, ABSOLUTE), Integer::sum);
            Tensor state = initialOrZeros(batch.initialState(), batch, spec);
            Batch withState = new Batch(batch.inputs(), batch.targets(), batch.mask(), state, batch.initialCellState());
            nonZeroChecked.merge("dL/dh_{-1}", CentralDifferences.compare(what + " dL/dh_{-1}", state,
                    gradients.initialStateGradients(), () -> loss(spec, parameters, withState), EPSILON, RELATIVE,
                    ABSOLUTE), Integer::sum);
            if (spec.cell().hasCellState()) {
                Tensor cellState = initialOrZeros(batch.initialCellState(), batch, spec);
                Batch withCellState = new Batch(batch.inputs(), batch.targets(), batch.mask(), batch.initialState(), cellState);
                nonZeroChecked.merge("dL/dc_{-1}", CentralDifferences.compare(what + " dL/dc_{-1}", cellState,
                        gradients.initialCellStateGradients(), () -> loss(spec, parameters, withCellState), EPSILON,
                        RELATIVE, ABSOLUTE), Integer::sum);
            }
        }
    }

    private static double loss(ModelSpec spec, Parameters parameters, Batch batch) {
        return new RecurrentNetwork(spec, parameters).forward(batch).loss();
    }

    /** A copy of the batch's initial state, or zeros {@code [B, H]} when it gives none. */
    private static Tensor initialOrZeros(Tensor initial, Batch batch, ModelSpec spec) {
        return initial == null ? Tensor.zeros(batch.batchSize(), spec.hiddenSize()) : initial.copy();
    }
}
