package org.bptt.reference.mistakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.CataloguedMistake;
import org.bptt.api.DocumentedLimitException;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.MistakeCatalogue;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.Parameters;
import org.bptt.api.Results;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.bptt.api.Truncation;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.junit.jupiter.api.Test;

/**
 * The mistaken Elman BPTT without mistakes is the reference's exact computation, on every head, activation,
 * reduction, with and without biases, masks and initial states; the catalogue is found by ServiceLoader and each
 * mistake has a source and a line of the derivation.
 */
class TestMistakenElmanBptt {

    private static final double TOLERANCE = 1e-12;

    @Test
    void withoutMistakesItIsTheReference() {
        ReferenceAggregatedRnn reference = new ReferenceAggregatedRnn();
        for (Case testCase : cases(new SplittableRandom(20))) {
            Results exact = new MistakenElmanBptt(testCase.spec(), testCase.parameters(), Set.of()).run(testCase.batch());
            GradientResult expected = reference.gradients(testCase.spec(), testCase.parameters(), testCase.batch());
            String what = testCase.id();
            assertEquals(expected.loss(), exact.gradients().loss(), TOLERANCE * Math.max(1, Math.abs(expected.loss())), what);
            for (String name : testCase.spec().parameterNames()) {
                assertClose(what + " dL/d" + name, expected.parameterGradients().get(name),
                        exact.gradients().parameterGradients().get(name), null);
            }
            assertClose(what + " dL/dx", expected.inputGradients(), exact.gradients().inputGradients(), testCase.batch());
            assertClose(what + " dL/dh_{-1}", expected.initialStateGradients(), exact.gradients().initialStateGradients(), null);
            assertClose(what + " dL/dh", expected.hiddenStateGradients(), exact.gradients().hiddenStateGradients(), testCase.batch());
            var forward = reference.forward(testCase.spec(), testCase.parameters(), testCase.batch());
            assertEquals(forward.loss(), exact.forward().loss(), TOLERANCE * Math.max(1, Math.abs(forward.loss())), what);
            assertClose(what + " h", forward.hiddenStates(), exact.forward().hiddenStates(), testCase.batch());
            if (!testCase.spec().head().lastStepOnly()) {
                assertClose(what + " y", forward.outputs(), exact.forward().outputs(), testCase.batch());
            } else {
                assertClose(what + " y", forward.outputs(), exact.forward().outputs(), null);
            }
        }
    }

    @Test
    void theCatalogueIsFoundAndEveryMistakeSaysWhereItComesFrom() {
        List<MistakeCatalogue> catalogues = java.util.ServiceLoader.load(MistakeCatalogue.class).stream()
                .map(java.util.ServiceLoader.Provider::get).toList();
        assertEquals(List.of(ElmanMistakeCatalogue.class, GatedMistakeCatalogue.class),
                catalogues.stream().map(Object::getClass).toList());
        List<CataloguedMistake> mistakes = catalogues.get(0).mistakes();
        assertTrue(mistakes.size() >= 12, "at least a dozen mistakes, got " + mistakes.size());
        assertEquals(mistakes.size(), mistakes.stream().map(CataloguedMistake::name).collect(Collectors.toSet()).size());
        for (CataloguedMistake mistake : mistakes) {
            assertTrue(mistake.source().startsWith("https://"), mistake.name() + " cites " + mistake.source());
            assertTrue(!mistake.entersAt().isBlank() && !mistake.description().isBlank(), mistake.name());
        }
        CataloguedMistake dropped = mistakes.stream().filter(m -> m.name().equals("future-gradient-dropped")).findFirst().orElseThrow();
        CataloguedMistake transposed = mistakes.stream().filter(m -> m.name().equals("w-instead-of-w-transposed")).findFirst().orElseThrow();
        CataloguedMistake sign = mistakes.stream().filter(m -> m.name().equals("output-gradient-sign")).findFirst().orElseThrow();
        assertTrue(catalogues.get(0).together(dropped, transposed).isEmpty(), "nothing is left for W instead of Wᵀ to pass on");
        assertTrue(catalogues.get(0).together(dropped, sign).isPresent());
    }

    @Test
    void aModelOutsideWhatItCoversSaysSo() {
        ElmanMistakeModel model = new ElmanMistakeModel(EnumSet.of(ElmanMistake.OUTPUT_GRADIENT_SIGN));
        Case testCase = cases(new SplittableRandom(3)).get(0);
        assertThrows(DocumentedLimitException.class, () -> model.predict(testCase.spec(), testCase.parameters(),
                testCase.batch(), new Truncation(1, 1), null));
        ModelSpec stacked = testCase.spec().withTopology(Topology.forward(2));
        assertThrows(DocumentedLimitException.class, () -> model.predict(stacked, testCase.parameters(),
                testCase.batch(), null, null));
    }

    /** Every activation × head × reduction, biases, mask and initial state on and off, B = 3, T = 4. */
    private static List<Case> cases(SplittableRandom random) {
        List<Case> cases = new ArrayList<>();
        int index = 0;
        for (Activation activation : Activation.values()) {
            for (Head head : Head.values()) {
                for (int flags = 0; flags < 8; flags++) {
                    boolean biases = (flags & 1) != 0;
                    boolean masked = (flags & 2) != 0;
                    boolean initialState = (flags & 4) != 0;
                    LossReduction reduction = LossReduction.values()[index++ % LossReduction.values().length];
                    ModelSpec spec = ModelSpec.of(3, 5, 4).withActivation(activation).withHead(head).withBiases(biases)
                            .withReduction(reduction);
                    cases.add(build(spec, masked, initialState, random));
                }
            }
        }
        return cases;
    }

    private static Case build(ModelSpec spec, boolean masked, boolean initialState, SplittableRandom random) {
        int batchSize = 3;
        int steps = 4;
        Map<String, Tensor> tensors = new HashMap<>();
        for (ParameterDeclaration declaration : spec.parameters()) {
            tensors.put(declaration.name(), gaussian(random, 0.5, declaration.shape()));
        }
        int k = spec.outputSize();
        boolean lastStep = spec.head().lastStepOnly();
        Tensor targets = lastStep ? Tensor.zeros(batchSize, k) : Tensor.zeros(batchSize, steps, k);
        for (int row = 0; row < targets.length() / k; row++) {
            targets.data()[row * k + random.nextInt(k)] = 1.0;
        }
        if (spec.head() == Head.LAST_STEP_SIGMOID) {
            targets.data()[0] = 0.0;                     // one sequence of each class
        }
        Tensor mask = null;
        if (masked) {
            int[] lengths = {steps, 1, 2};               // padding on two sequences, one of them a single step
            mask = Tensor.zeros(batchSize, steps);
            for (int sequence = 0; sequence < batchSize; sequence++) {
                for (int t = 0; t < lengths[sequence]; t++) {
                    mask.set(1.0, sequence, t);
                }
            }
        }
        Tensor initial = initialState ? gaussian(random, 0.5, batchSize, spec.hiddenSize()) : null;
        Batch batch = new Batch(gaussian(random, 1.0, batchSize, steps, spec.inputSize()), targets, mask, initial);
        Case testCase = new Case(spec.label() + (masked ? "-masked" : "") + (initialState ? "-h0" : ""), "mistakes test",
                spec, new Parameters(tensors), batch, 0);
        testCase.validate();
        return testCase;
    }

    private static Tensor gaussian(SplittableRandom random, double standardDeviation, int... shape) {
        Tensor tensor = Tensor.zeros(shape);
        for (int i = 0; i < tensor.length(); i++) {
            double u1 = 1 - random.nextDouble();
            double u2 = random.nextDouble();
            tensor.data()[i] = standardDeviation * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        }
        return tensor;
    }

    /** Element by element, skipping the padded steps of {@code batch} when given ([B, T, …] tensors). */
    private static void assertClose(String what, Tensor expected, Tensor actual, Batch batch) {
        assertEquals(expected.length(), actual.length(), what + ": sizes");
        for (int i = 0; i < expected.length(); i++) {
            int[] index = expected.indexOf(i);
            if (batch != null && !batch.active(index[0], index[1])) {
                continue;
            }
            double scale = Math.max(1, Math.abs(expected.data()[i]));
            assertEquals(expected.data()[i], actual.data()[i], TOLERANCE * scale, what + " at " + java.util.Arrays.toString(index));
        }
    }
}
