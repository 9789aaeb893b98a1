package org.bptt.reference;

import static org.bptt.reference.TensorAssertions.assertClose;
import static org.bptt.reference.TensorAssertions.assertSameGradients;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.Combine;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.bptt.api.Truncation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stacked and bidirectional networks: a masked reverse direction computed by hand, masked sequences against the same
 * sequences unpadded, central differences of the loss on every cell × topology, the naive and the aggregated BPTT
 * against each other with their step counts, and truncated BPTT of a forward stack against its definition.
 * Tolerances as in {@link TestGatedFiniteDifferences} and {@link TestAlgorithmsAgree}.
 */
class TestStackedNetworks extends ReferenceTestBase {

    private static final double EPSILON = 1e-5;
    private static final double RELATIVE = 1e-6;
    private static final double ABSOLUTE = 1e-9;

    /** d = 2, H = 3, K = 4: every dimension differs, so that a transposed matrix cannot pass. */
    private static final ModelSpec BASE = ModelSpec.of(2, 3, 4);

    static List<ModelSpec> cells() {
        return List.of(BASE,
                BASE.withCell(Cell.GRU, CellOptions.gru(ResetPlacement.AFTER, true)),
                BASE.withCell(Cell.GRU, CellOptions.gru(ResetPlacement.BEFORE, false)),
                BASE.withCell(Cell.LSTM, CellOptions.lstm(false, false)),
                BASE.withCell(Cell.LSTM, CellOptions.lstm(true, true)));
    }

    static List<Topology> topologies() {
        return List.of(Topology.forward(2), Topology.forward(3), Topology.bidirectional(2, Combine.CONCAT),
                Topology.bidirectional(1, Combine.CONCAT), Topology.bidirectional(1, Combine.SUM),
                Topology.bidirectional(1, Combine.MEAN), Topology.bidirectional(2, Combine.PRODUCT));
    }

    static Stream<Arguments> everyCellAndTopology() {
        List<Arguments> arguments = new ArrayList<>();
        for (ModelSpec cell : cells()) {
            for (Topology topology : topologies()) {
                arguments.add(Arguments.of(cell.withTopology(topology)));
            }
        }
        return arguments.stream();
    }

    /**
     * One bidirectional identity-activation Elman layer, d = H = 1, over x = (1, 2) padded with a third step
     * x = 100. Forward (U = 1, W = 0.5): h→_0 = 1, h→_1 = 2 + 0.5·1 = 2.5. Reverse (U = 2, W = 0.25), starting at
     * the last VALID step 1: h←_1 = 2·2 = 4, h←_0 = 2·1 + 0.25·4 = 3. Started at the padded end it would read
     * 2·100 first and give h←_1 = 4 + 0.25·200 = 54.
     */
    @Test
    void aMaskedReverseDirectionStartsAtTheLastValidStep() {
        ModelSpec spec = new ModelSpec(Cell.ELMAN, 1, 1, 2, Activation.IDENTITY, Head.PER_STEP_SOFTMAX, false,
                LossReduction.SUM, org.bptt.api.DataType.FLOAT64).withTopology(Topology.bidirectional(1, Combine.CONCAT));
        Parameters parameters = new Parameters(Map.of(
                "U", Tensor.of(new double[] {1}, 1, 1), "W", Tensor.of(new double[] {0.5}, 1, 1),
                "l0.reverse.U", Tensor.of(new double[] {2}, 1, 1), "l0.reverse.W", Tensor.of(new double[] {0.25}, 1, 1),
                "V", Tensor.of(new double[] {1, 0, 0, 1}, 2, 2)));
        Tensor targets = Tensor.zeros(1, 3, 2);
        targets.set(1.0, 0, 0, 0);
        targets.set(1.0, 0, 1, 1);
        Batch batch = new Batch(Tensor.of(new double[] {1, 2, 100}, 1, 3, 1), targets, Tensor.of(new double[] {1, 1, 0}, 1, 3), null);
        new Case("hand", "hand", spec, parameters, batch, 0).validate();
        ForwardResult result = new ReferenceAggregatedRnn().forward(spec, parameters, batch);
        assertArrayEquals(new double[] {1, 3, 2.5, 4, 0, 0}, result.hiddenStates().data(), 1e-15);
        // Step 0's logits are (1, 3), step 1's (2.5, 4): J = −log softmax(1, 3)_0 − log softmax(2.5, 4)_1.
        double expected = Math.log(Math.exp(1) + Math.exp(3)) - 1 + Math.log(Math.exp(2.5) + Math.exp(4)) - 4;
        assertEquals(expected, result.loss(), 1e-14);
    }

    /** Masked sequences give the numbers they give unpadded, through every layer and both directions. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCellAndTopology")
    void aMaskedSequenceGivesWhatItGivesUnpadded(ModelSpec model) {
        for (Head head : Head.values()) {
            ModelSpec spec = model.withHead(head);
            Case padded = RandomCases.build(spec, new int[] {3, 5}, 5, true, true, random);
            Case alone = unpadded(padded, 0, 3);
            GradientResult paddedGradients = AggregatedBptt.gradients(spec, padded.parameters(), padded.batch(), new StepBackpropCounter());
            GradientResult aloneGradients = AggregatedBptt.gradients(spec, alone.parameters(), alone.batch(), new StepBackpropCounter());
            ForwardResult paddedForward = new ReferenceAggregatedRnn().forward(spec, padded.parameters(), padded.batch());
            ForwardResult aloneForward = new ReferenceAggregatedRnn().forward(spec, alone.parameters(), alone.batch());
            // L sums over both sequences of the padded batch: its gradients are sequence 0's alone, rescaled by
            // the ratio of the two divisors (1 for a summed loss).
            double scale = 1 / divisorRatio(spec, padded, alone);
            int width = paddedForward.hiddenStates().size(2);
            for (int t = 0; t < 3; t++) {
                for (int i = 0; i < width; i++) {
                    assertEquals(aloneForward.hiddenStates().get(0, t, i), paddedForward.hiddenStates().get(0, t, i), 1e-14,
                            spec.label() + " h[0, " + t + ", " + i + "]");
                    assertEquals(aloneGradients.hiddenStateGradients().get(0, t, i) * scale,
                            paddedGradients.hiddenStateGradients().get(0, t, i), 1e-13, spec.label() + " dL/dh[0, " + t + ", " + i + "]");
                }
                for (int i = 0; i < spec.inputSize(); i++) {
                    assertEquals(aloneGradients.inputGradients().get(0, t, i) * scale,
                            paddedGradients.inputGradients().get(0, t, i), 1e-13, spec.label() + " dL/dx[0, " + t + ", " + i + "]");
                }
            }
            for (int layer = 0; layer < spec.layers(); layer++) {
                for (int direction = 0; direction < spec.directions(); direction++) {
                    for (int i = 0; i < spec.hiddenSize(); i++) {
                        assertEquals(aloneGradients.initialStateGradients().get(layer, direction, 0, i) * scale,
                                paddedGradients.initialStateGradients().get(layer, direction, 0, i), 1e-13,
                                spec.label() + " dL/dh_{-1}[" + layer + ", " + direction + ", 0, " + i + "]");
                    }
                }
            }
        }
    }

    /**
     * The central differences of the loss agree with the aggregated and the naive BPTT for every parameter of every
     * layer and direction, dL/dx, and every layer's and direction's dL/dh_{-1} (and dL/dc_{-1}).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCellAndTopology")
    void bothAlgorithmsAgreeWithCentralDifferences(ModelSpec model) {
        Map<String, Integer> nonZeroChecked = new TreeMap<>();
        int combination = 0;
        for (Head head : Head.values()) {
            for (int[] lengths : new int[][] {{1}, {2}, {5, 2, 4}}) {
                LossReduction reduction = LossReduction.values()[combination++ % LossReduction.values().length];
                ModelSpec spec = model.withHead(head).withReduction(reduction);
                boolean masked = lengths.length > 1;
                check(RandomCases.build(spec, lengths, lengths[0], masked, masked || lengths[0] == 2, random), nonZeroChecked);
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

    /** Each layer and direction costs n step-backprops aggregated and n(n+1)/2 naive, for a sequence of n steps. */
    @Test
    void everyLayerAndDirectionCostsWhatOneLayerCosts() {
        ModelSpec bidirectional = BASE.withTopology(Topology.bidirectional(2, Combine.CONCAT));
        Case masked = RandomCases.build(bidirectional, new int[] {5, 1, 3}, 5, true, false, random);
        assertEquals(4 * (5 + 1 + 3), aggregatedCount(masked));
        assertEquals(4 * (15 + 1 + 6), naiveCount(masked));
        // Below a last-step head every step still receives a gradient from the layer above.
        ModelSpec threeLayers = BASE.withHead(Head.LAST_STEP_SOFTMAX).withTopology(Topology.forward(3));
        Case lastStep = RandomCases.build(threeLayers, new int[] {17, 4}, 17, true, false, random);
        assertEquals(3 * (17 + 4), aggregatedCount(lastStep));
        assertEquals(3 * (17 * 18 / 2 + 4 * 5 / 2), naiveCount(lastStep));
    }

    /**
     * Truncated BPTT(1, 1) of a two-layer forward stack is, by its definition, the sum over t of the full gradient
     * of J(t) alone with every layer's state at t−1 a constant: here, one-step batches whose initial states are the
     * stack's states at t−1 (summed loss, so that the terms add up as they are).
     */
    @Test
    void truncatedBpttOfAForwardStackIsItsDefinition() {
        for (ModelSpec cell : cells()) {
            ModelSpec spec = cell.withTopology(Topology.forward(2));
            Case testCase = RandomCases.build(spec, new int[] {4}, 4, false, true, random);
            Batch batch = testCase.batch();
            GradientResult truncated = AggregatedBptt.truncatedGradients(spec, testCase.parameters(), batch,
                    new Truncation(1, 1), new StepBackpropCounter());
            StackedNetwork network = new StackedNetwork(spec, testCase.parameters());
            StackedNetwork.StackedTrajectory trajectory = network.forward(batch, 0);
            Parameters sum = Parameters.zeros(spec);
            for (int t = 0; t < 4; t++) {
                Tensor initial = Tensor.zeros(2, 1, 1, 3);
                Tensor initialCell = spec.cell().hasCellState() ? Tensor.zeros(2, 1, 1, 3) : null;
                for (int layer = 0; layer < 2; layer++) {
                    CellTrajectory states = trajectory.layers().get(layer).forward();
                    for (int i = 0; i < 3; i++) {
                        initial.set(t == 0 ? batch.initialState().get(layer, 0, 0, i) : states.hiddenStates.get(t - 1, i), layer, 0, 0, i);
                        if (initialCell != null) {
                            initialCell.set(t == 0 ? batch.initialCellState().get(layer, 0, 0, i) : states.cellStates().get(t - 1, i), layer, 0, 0, i);
                        }
                    }
                }
                Tensor inputs = Tensor.of(new double[] {batch.inputs().get(0, t, 0), batch.inputs().get(0, t, 1)}, 1, 1, 2);
                Tensor targets = Tensor.zeros(1, 1, 4);
                for (int k = 0; k < 4; k++) {
                    targets.set(batch.targets().get(0, t, k), 0, 0, k);
                }
                GradientResult step = AggregatedBptt.gradients(spec, testCase.parameters(),
                        new Batch(inputs, targets, null, initial, initialCell), new StepBackpropCounter());
                for (String name : sum.byName().keySet()) {
                    double[] accumulated = sum.get(name).data();
                    double[] term = step.parameterGradients().get(name).data();
                    for (int i = 0; i < accumulated.length; i++) {
                        accumulated[i] += term[i];
                    }
                }
            }
            for (String name : sum.byName().keySet()) {
                assertClose(spec.label() + " dL/d" + name, sum.get(name), truncated.parameterGradients().get(name), 1e-12, 1e-14);
            }
            GradientResult naive = NaiveBptt.truncatedGradients(spec, testCase.parameters(), batch, new Truncation(4, 2), new StepBackpropCounter());
            GradientResult aggregated = AggregatedBptt.truncatedGradients(spec, testCase.parameters(), batch, new Truncation(4, 2), new StepBackpropCounter());
            assertSameGradients(spec.label() + " truncated naive vs aggregated", aggregated, naive, TestAlgorithmsAgree.RELATIVE, TestAlgorithmsAgree.FLOOR);
            GradientResult whole = AggregatedBptt.truncatedGradients(spec, testCase.parameters(), batch, new Truncation(4, 4), new StepBackpropCounter());
            assertSameGradients(spec.label() + " k1 = k2 = T vs full", AggregatedBptt.gradients(spec, testCase.parameters(), batch,
                    new StepBackpropCounter()), whole, TestAlgorithmsAgree.RELATIVE, TestAlgorithmsAgree.FLOOR);
        }
    }

    @Test
    void truncatedBpttOfABidirectionalNetworkIsRefusedWithItsReason() {
        ModelSpec spec = BASE.withTopology(Topology.bidirectional(1, Combine.CONCAT));
        Case testCase = RandomCases.build(spec, 1, 4, false, false, random);
        InvalidInputException refused = assertThrows(InvalidInputException.class, () -> AggregatedBptt.truncatedGradients(
                spec, testCase.parameters(), testCase.batch(), new Truncation(2, 2), new StepBackpropCounter()));
        assertTrue(refused.getMessage().contains("bidirectional"), refused.getMessage());
    }

    /** The per-step head sums over steps; a mean reduction's divisor counts the padded batch's terms. */
    private static double divisorRatio(ModelSpec spec, Case padded, Case alone) {
        double paddedDivisor = spec.reduction().divisor(padded.batch().batchSize(), padded.batch().lossTerms(spec.head()));
        double aloneDivisor = spec.reduction().divisor(alone.batch().batchSize(), alone.batch().lossTerms(spec.head()));
        return paddedDivisor / aloneDivisor;
    }

    /** Sequence {@code sequence} of {@code padded} cut to its {@code length} valid steps, alone and without a mask. */
    private static Case unpadded(Case padded, int sequence, int length) {
        ModelSpec spec = padded.spec();
        Batch batch = padded.batch();
        int d = spec.inputSize();
        int k = spec.outputSize();
        Tensor inputs = Tensor.zeros(1, length, d);
        for (int t = 0; t < length; t++) {
            for (int i = 0; i < d; i++) {
                inputs.set(batch.inputs().get(sequence, t, i), 0, t, i);
            }
        }
        Tensor targets = spec.head().lastStepOnly() ? Tensor.zeros(1, k) : Tensor.zeros(1, length, k);
        for (int i = 0; i < k; i++) {
            if (spec.head().lastStepOnly()) {
                targets.set(batch.targets().get(sequence, i), 0, i);
            } else {
                for (int t = 0; t < length; t++) {
                    targets.set(batch.targets().get(sequence, t, i), 0, t, i);
                }
            }
        }
        Batch alone = new Batch(inputs, targets, null, stateOf(batch.initialState(), spec, sequence),
                stateOf(batch.initialCellState(), spec, sequence));
        return new Case(padded.id() + "-alone", "unpadded", spec, padded.parameters(), alone, 0);
    }

    /** Sequence {@code sequence}'s rows of an {@code [L, D, B, H]} state, as {@code [L, D, 1, H]}. */
    private static Tensor stateOf(Tensor states, ModelSpec spec, int sequence) {
        if (states == null) {
            return null;
        }
        Tensor one = Tensor.zeros(spec.layers(), spec.directions(), 1, spec.hiddenSize());
        for (int layer = 0; layer < spec.layers(); layer++) {
            for (int direction = 0; direction < spec.directions(); direction++) {
                for (int i = 0; i < spec.hiddenSize(); i++) {
                    one.set(states.get(layer, direction, sequence, i), layer, direction, 0, i);
                }
            }
        }
        return one;
    }

    private static void check(Case testCase, Map<String, Integer> nonZeroChecked) {
        ModelSpec spec = testCase.spec();
        Parameters parameters = testCase.parameters();
        Batch batch = testCase.batch();
        GradientResult aggregated = AggregatedBptt.gradients(spec, parameters, batch, new StepBackpropCounter());
        GradientResult naive = NaiveBptt.gradients(spec, parameters, batch, new StepBackpropCounter());
        assertSameGradients(testCase.id() + " naive vs aggregated", aggregated, naive, TestAlgorithmsAgree.RELATIVE, TestAlgorithmsAgree.FLOOR);
        String what = testCase.id() + " aggregated";
        for (String name : parameters.byName().keySet()) {
            Tensor copy = parameters.get(name).copy();
            Parameters perturbed = parameters.with(name, copy);
            nonZeroChecked.merge("dL/d" + name, CentralDifferences.compare(what + " dL/d" + name, copy,
                    aggregated.parameterGradients().get(name), () -> loss(spec, perturbed, batch), EPSILON, RELATIVE, ABSOLUTE),
                    Integer::sum);
        }
        Tensor inputs = batch.inputs().copy();
        Batch withInputs = new Batch(inputs, batch.targets(), batch.mask(), batch.initialState(), batch.initialCellState());
        nonZeroChecked.merge("dL/dx", CentralDifferences.compare(what + " dL/dx", inputs, aggregated.inputGradients(),
                () -> loss(spec, parameters, withInputs), EPSILON, RELATIVE, ABSOLUTE), Integer::sum);
        Tensor state = initialOrZeros(batch.initialState(), batch, spec);
        Batch withState = new Batch(batch.inputs(), batch.targets(), batch.mask(), state, batch.initialCellState());
        nonZeroChecked.merge("dL/dh_{-1}", CentralDifferences.compare(what + " dL/dh_{-1}", state,
                aggregated.initialStateGradients(), () -> loss(spec, parameters, withState), EPSILON, RELATIVE, ABSOLUTE),
                Integer::sum);
        if (spec.cell().hasCellState()) {
            Tensor cellState = initialOrZeros(batch.initialCellState(), batch, spec);
            Batch withCellState = new Batch(batch.inputs(), batch.targets(), batch.mask(), batch.initialState(), cellState);
            nonZeroChecked.merge("dL/dc_{-1}", CentralDifferences.compare(what + " dL/dc_{-1}", cellState,
                    aggregated.initialCellStateGradients(), () -> loss(spec, parameters, withCellState), EPSILON, RELATIVE,
                    ABSOLUTE), Integer::sum);
        }
    }

    private static double loss(ModelSpec spec, Parameters parameters, Batch batch) {
        return new ReferenceAggregatedRnn().forward(spec, parameters, batch).loss();
    }

    private static Tensor initialOrZeros(Tensor initial, Batch batch, ModelSpec spec) {
        return initial == null ? Tensor.zeros(Batch.stateShape(spec, batch.batchSize())) : initial.copy();
    }

    private static long naiveCount(Case testCase) {
        StepBackpropCounter counter = new StepBackpropCounter();
        NaiveBptt.gradients(testCase.spec(), testCase.parameters(), testCase.batch(), counter);
        return counter.count();
    }

    private static long aggregatedCount(Case testCase) {
        StepBackpropCounter counter = new StepBackpropCounter();
        AggregatedBptt.gradients(testCase.spec(), testCase.parameters(), testCase.batch(), counter);
        return counter.count();
    }
}
