package org.bptt.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.Parameters;
import org.bptt.api.ResetPlacement;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The examples' GRU and LSTM through the cmd: plugin, against the reference ({@code reference-aggregated}):
 * {@code examples/numpy} (hand-written BPTT) and {@code examples/pytorch} ({@code nn.GRU}, {@code nn.LSTM}), on every
 * cell option × head × mask × initial states (h_{-1}, and the LSTM's c_{-1}) at small B and T, and float32 copies;
 * and PyTorch's float32 Elman RNN, which the quick suite of {@code harness/cli}'s {@code ExternalPluginTest} (where
 * the examples' Elman RNNs are tested) does not have. Every case an example's capabilities allow must agree with the
 * reference in every quantity the example offers, within the default tolerance policy, masked steps not compared;
 * every case they do not allow must lack only what the example cannot express. Needs Debian's
 * {@code /usr/bin/python3} with {@code python3-numpy} (and {@code python3-torch} for PyTorch); a test is skipped,
 * saying so, only when that module is missing.
 */
@EnabledOnOs(OS.LINUX)
class ExamplesAgainstReferenceTest {

    private static final String PYTHON = "/usr/bin/python3";
    private static final TolerancePolicy POLICY = TolerancePolicy.defaults();
    private static final RnnImplementation REFERENCE = new ReferenceAggregatedRnn();
    /** d, H, K: H differs from d so that a transposed block cannot fit, and K from both. */
    private static final ModelSpec SMALL = ModelSpec.of(2, 3, 4);
    private static final int[] LENGTHS = {1, 2, 5};

    // ---------------------------------------------------------------------------------------------------------
    // The cases

    /** Every option of both gated cells: the reset placement or peepholes, × no biases, one bias, two biases. */
    private static List<ModelSpec> gatedSpecs() {
        List<ModelSpec> specs = new ArrayList<>();
        for (ResetPlacement placement : ResetPlacement.values()) {
            specs.add(SMALL.withBiases(false).withCell(Cell.GRU, CellOptions.gru(placement, false)));
            specs.add(SMALL.withCell(Cell.GRU, CellOptions.gru(placement, false)));
            specs.add(SMALL.withCell(Cell.GRU, CellOptions.gru(placement, true)));
        }
        for (boolean peepholes : new boolean[] {false, true}) {
            specs.add(SMALL.withBiases(false).withCell(Cell.LSTM, CellOptions.lstm(peepholes, false)));
            specs.add(SMALL.withCell(Cell.LSTM, CellOptions.lstm(peepholes, false)));
            specs.add(SMALL.withCell(Cell.LSTM, CellOptions.lstm(peepholes, true)));
        }
        return specs;
    }

    /**
     * Each gated spec × head × mask off/on × initial states (none or h_{-1}; for the LSTM also c_{-1} alone and
     * both), the reduction, B ∈ {1, 3} and T ∈ {1, 2, 5} cycling with the position (a mask needs B = 3 and T ≥ 2 to
     * mean something); then a float32 copy of each spec × head with mask and every initial state.
     */
    private static List<Case> grid() {
        List<Case> cases = new ArrayList<>();
        int index = 0;
        for (ModelSpec cellSpec : gatedSpecs()) {
            for (Head head : Head.values()) {
                for (boolean masked : new boolean[] {false, true}) {
                    for (int states = 0; states < (cellSpec.cell().hasCellState() ? 4 : 2); states++) {
                        ModelSpec spec = cellSpec.withHead(head).withReduction(LossReduction.values()[index % 3]);
                        int batchSize = masked || index % 2 == 1 ? 3 : 1;
                        int steps = masked ? LENGTHS[1 + index % 2] : LENGTHS[index % 3];
                        cases.add(randomCase(spec, batchSize, steps, masked, (states & 1) != 0, (states & 2) != 0, index));
                        index++;
                    }
                }
                ModelSpec float32 = cellSpec.withHead(head).withDataType(DataType.FLOAT32);
                cases.add(randomCase(float32, 3, 4, true, true, cellSpec.cell().hasCellState(), index++));
            }
        }
        return cases;
    }

    /**
     * A seeded case: weights uniform on (−1, 1), inputs too, one-hot (sigmoid: 0 or 1) targets, sequence 0 of full
     * length and the others of random lengths under a mask, initial states uniform on (−0.5, 0.5).
     */
    private static Case randomCase(ModelSpec spec, int batchSize, int steps, boolean masked, boolean initialState,
                                   boolean initialCellState, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Parameters parameters = Parameters.of(spec, declaration -> uniform(random, 1.0, declaration.shape()));
        return withBatch(spec, parameters, batchSize, steps, masked, initialState, initialCellState, random);
    }

    private static Case withBatch(ModelSpec spec, Parameters parameters, int batchSize, int steps, boolean masked,
                                  boolean initialState, boolean initialCellState, SplittableRandom random) {
        Tensor inputs = uniform(random, 1.0, batchSize, steps, spec.inputSize());
        Tensor targets = spec.head().lastStepOnly() ? Tensor.zeros(batchSize, spec.outputSize())
                : Tensor.zeros(batchSize, steps, spec.outputSize());
        for (int row = 0; row < targets.length() / spec.outputSize(); row++) {
            if (spec.head() == Head.LAST_STEP_SIGMOID) {
                targets.data()[row] = random.nextInt(2);
            } else {
                targets.data()[row * spec.outputSize() + random.nextInt(spec.outputSize())] = 1.0;
            }
        }
        Tensor mask = null;
        if (masked) {
            mask = Tensor.zeros(batchSize, steps);
            for (int sequence = 0; sequence < batchSize; sequence++) {
                int length = sequence == 0 ? steps : 1 + random.nextInt(steps);
                for (int step = 0; step < length; step++) {
                    mask.set(1.0, sequence, step);
                }
            }
        }
        Tensor h0 = initialState ? uniform(random, 0.5, batchSize, spec.hiddenSize()) : null;
        Tensor c0 = initialCellState ? uniform(random, 0.5, batchSize, spec.hiddenSize()) : null;
        String id = String.format(Locale.ROOT, "%s, B=%d, T=%d%s%s%s", spec.label(), batchSize, steps,
                masked ? ", masked" : "", initialState ? ", h_{-1}" : "", initialCellState ? ", c_{-1}" : "");
        Case testCase = new Case(id, "a gated case of ExamplesAgainstReferenceTest", spec, parameters,
                new Batch(inputs, targets, mask, h0, c0), 0);
        testCase.validate();
        return testCase;
    }

    private static Tensor uniform(SplittableRandom random, double bound, int... shape) {
        Tensor tensor = Tensor.zeros(shape);
        for (int i = 0; i < tensor.length(); i++) {
            tensor.data()[i] = random.nextDouble(-bound, bound);
        }
        return tensor;
    }

    /**
     * Weights whose every element differs from every other, across all the parameters: element j, counting through
     * the parameters in their declared order, is 0.9 sin(1 + j) (sin takes no value twice at the integers, π being
     * irrational). A mapping that swaps two gates, two bias vectors or a block and its transpose then computes
     * another function: no symmetry of the weights can hide it.
     */
    private static Parameters distinctWeights(ModelSpec spec) {
        int[] next = {0};
        Parameters parameters = Parameters.of(spec, declaration -> {
            Tensor tensor = Tensor.zeros(declaration.shape());
            for (int i = 0; i < tensor.length(); i++) {
                tensor.data()[i] = 0.9 * Math.sin(1 + next[0]++);
            }
            return tensor;
        });
        Set<Double> values = new HashSet<>();
        parameters.byName().values().forEach(tensor -> Arrays.stream(tensor.data()).forEach(values::add));
        assertEquals(next[0], values.size(), "every weight of " + spec.label() + " differs from every other");
        return parameters;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Running and comparing

    private static Path root() {
        for (Path path = Path.of("").toAbsolutePath(); path != null; path = path.getParent()) {
            if (Files.isRegularFile(path.resolve("examples/protocol.py"))) {
                return path;
            }
        }
        throw new IllegalStateException("examples/protocol.py not found above " + Path.of("").toAbsolutePath());
    }

    private static void assumePythonHas(String module, String debianPackage) throws Exception {
        boolean found = false;
        if (Files.isExecutable(Path.of(PYTHON))) {
            Process process = new ProcessBuilder(PYTHON, "-c", "import " + module).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            found = process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        }
        assumeTrue(found, PYTHON + " cannot import " + module + ": install " + debianPackage + " (./run-tests does)");
    }

    private static ExternalRnn example(String name) {
        return ExternalRnn.start("cmd:" + PYTHON + " " + root().resolve("examples/" + name + "/rnn.py"), Duration.ofSeconds(60));
    }

    /** What the example did with the grid: the capabilities it lacked for some case, and the problems found. */
    private record Outcome(int compared, Set<Capability> lacked, List<String> problems) {
    }

    /** Runs every case the example's capabilities allow and compares it with the reference. */
    private static Outcome check(ExternalRnn example, List<Case> cases) {
        int compared = 0;
        Set<Capability> lacked = EnumSet.noneOf(Capability.class);
        List<String> problems = new ArrayList<>();
        for (Case testCase : cases) {
            Set<Capability> missing = Capability.requiredBy(testCase.spec(), testCase.batch());
            missing.removeAll(example.capabilities());
            if (!missing.isEmpty()) {
                lacked.addAll(missing);
                continue;
            }
            problems.addAll(compare(testCase, example));
            compared++;
        }
        return new Outcome(compared, lacked, problems);
    }

    /** Every quantity the example offers for {@code testCase}, against the reference's; one line per problem. */
    private static List<String> compare(Case testCase, ExternalRnn example) {
        ModelSpec spec = testCase.spec();
        ModelSpec oracleSpec = spec.withDataType(DataType.FLOAT64);
        Batch batch = testCase.batch();
        Set<Capability> offered = example.capabilities();
        boolean cellState = spec.cell().hasCellState();
        Comparison comparison = new Comparison(testCase.id(), spec.dataType(), batch);

        ForwardResult expected = REFERENCE.forward(oracleSpec, testCase.parameters(), batch);
        ForwardResult actual = example.forward(spec, testCase.parameters(), batch);
        comparison.tensor("y", expected.outputs(), actual.outputs(), !spec.head().lastStepOnly());
        comparison.scalar("loss", expected.loss(), actual.loss());
        if (offered.contains(Capability.HIDDEN_STATES)) {
            comparison.tensor("h", expected.hiddenStates(), actual.hiddenStates(), true);
        }
        if (cellState && offered.contains(Capability.CELL_STATES)) {
            comparison.tensor("c", expected.cellStates(), actual.cellStates(), true);
        }

        GradientResult expectedGradients = REFERENCE.gradients(oracleSpec, testCase.parameters(), batch);
        GradientResult actualGradients = example.gradients(spec, testCase.parameters(), batch);
        comparison.scalar("loss (gradients)", expectedGradients.loss(), actualGradients.loss());
        for (ParameterDeclaration declaration : spec.parameters()) {
            comparison.tensor("dL/d" + declaration.name(), expectedGradients.parameterGradients().get(declaration.name()),
                    actualGradients.parameterGradients().get(declaration.name()), false);
        }
        if (offered.contains(Capability.INPUT_GRADIENTS)) {
            comparison.tensor("dL/dx", expectedGradients.inputGradients(), actualGradients.inputGradients(), true);
        }
        if (offered.contains(Capability.INITIAL_STATE_GRADIENTS)) {
            comparison.tensor("dL/dh_{-1}", expectedGradients.initialStateGradients(),
                    actualGradients.initialStateGradients(), false);
        }
        if (offered.contains(Capability.HIDDEN_STATE_GRADIENTS)) {
            comparison.tensor("dL/dh", expectedGradients.hiddenStateGradients(), actualGradients.hiddenStateGradients(), true);
        }
        if (cellState && offered.contains(Capability.INITIAL_CELL_STATE_GRADIENTS)) {
            comparison.tensor("dL/dc_{-1}", expectedGradients.initialCellStateGradients(),
                    actualGradients.initialCellStateGradients(), false);
        }
        return comparison.problems;
    }

    /**
     * Element by element, as the harness's tolerance policy allows (its terms for the case's data type, × √T);
     * per-step tensors ({@code [B, T, ...]}) skip masked steps.
     */
    private static final class Comparison {
        private final String caseId;
        private final DataType type;
        private final Batch batch;
        private final List<String> problems = new ArrayList<>();

        Comparison(String caseId, DataType type, Batch batch) {
            this.caseId = caseId;
            this.type = type;
            this.batch = batch;
        }

        void scalar(String quantity, double expected, double actual) {
            if (!(Math.abs(actual - expected) <= allowed(expected, actual))) {
                problems.add(String.format(Locale.ROOT, "%s: %s: expected %s, actual %s", caseId, quantity, expected, actual));
            }
        }

        void tensor(String quantity, Tensor expected, Tensor actual, boolean perStep) {
            if (actual == null || !actual.hasShape(expected.shape())) {
                problems.add(caseId + ": " + quantity + ": expected shape " + Arrays.toString(expected.shape()) + ", got "
                        + (actual == null ? "null" : Arrays.toString(actual.shape())));
                return;
            }
            for (int i = 0; i < expected.length(); i++) {
                int[] index = expected.indexOf(i);
                if (perStep && !batch.active(index[0], index[1])) {
                    continue;
                }
                double e = expected.data()[i];
                double a = actual.data()[i];
                if (!(Math.abs(a - e) <= allowed(e, a))) {
                    problems.add(String.format(Locale.ROOT, "%s: %s%s: expected %s, actual %s", caseId, quantity,
                            Arrays.toString(index), e, a));
                    return;
                }
            }
        }

        private double allowed(double expected, double actual) {
            TolerancePolicy.Terms terms = POLICY.terms(type);
            double magnitude = Math.max(Math.abs(expected), Math.abs(actual));
            return Math.max(terms.absolute(), Math.max(terms.relative() * magnitude,
                    terms.ulps() * TolerancePolicy.ulp(type, magnitude))) * TolerancePolicy.stepFactor(batch.steps());
        }
    }

    private static String firstProblems(Outcome outcome) {
        return outcome.problems().size() + " problems, the first:\n" + String.join("\n",
                outcome.problems().subList(0, Math.min(20, outcome.problems().size())));
    }

    // ---------------------------------------------------------------------------------------------------------
    // The tests

    @Test
    void theHandWrittenNumpyGruAndLstmAgreeWithTheReferenceOnEveryOption() throws Exception {
        assumePythonHas("numpy", "python3-numpy");
        List<Case> cases = grid();
        try (ExternalRnn numpy = example("numpy")) {
            Outcome outcome = check(numpy, cases);
            assertTrue(outcome.problems().isEmpty(), () -> firstProblems(outcome));
            // Every option runs; only the float32 copies are skipped (the example computes in float64).
            assertEquals(EnumSet.of(Capability.FLOAT32), outcome.lacked());
            assertEquals(cases.stream().filter(c -> c.spec().dataType() == DataType.FLOAT64).count(), outcome.compared());
        }
    }

    @Test
    void pytorchsGruAndLstmAgreeWithTheReferenceOnEverythingPytorchCanExpress() throws Exception {
        assumePythonHas("torch", "python3-torch");
        List<Case> cases = grid();
        try (ExternalRnn pytorch = example("pytorch")) {
            Outcome outcome = check(pytorch, cases);
            assertTrue(outcome.problems().isEmpty(), () -> firstProblems(outcome));
            // What nn.GRU and nn.LSTM cannot express: the reset gate before the product, peepholes.
            assertEquals(EnumSet.of(Capability.GRU_RESET_BEFORE, Capability.LSTM_PEEPHOLES), outcome.lacked());
            long expressible = cases.stream().filter(c -> c.spec().cellOptions().resetPlacement() != ResetPlacement.BEFORE
                    && !c.spec().cellOptions().peepholes()).count();
            assertEquals(expressible, outcome.compared());
        }
    }

    /**
     * PyTorch's packed layout, one layout function per cell in examples/pytorch/rnn.py, tested with weights whose
     * every element is distinct, through both directions: the weights in (forward pass, h and y) and the gradients
     * out, parameter by parameter; with one bias vector and with two.
     */
    @Test
    void pytorchsPackedLayoutHoldsEveryGateAndBiasInItsOwnBlock() throws Exception {
        assumePythonHas("torch", "python3-torch");
        List<Case> cases = new ArrayList<>();
        for (ModelSpec spec : gatedSpecs()) {
            if (spec.cellOptions().resetPlacement() != ResetPlacement.BEFORE && !spec.cellOptions().peepholes()) {
                cases.add(withBatch(spec, distinctWeights(spec), 3, 4, true, true, spec.cell().hasCellState(),
                        new SplittableRandom(spec.parameters().size())));
            }
        }
        assertEquals(6, cases.size(), "GRU (reset after) and LSTM (no peepholes), each without biases, with one and two");
        try (ExternalRnn pytorch = example("pytorch")) {
            Outcome outcome = check(pytorch, cases);
            assertTrue(outcome.problems().isEmpty(), () -> firstProblems(outcome));
            assertEquals(cases.size(), outcome.compared());
        }
    }

    @Test
    void pytorchsFloat32ElmanRnnAgreesWithTheReference() throws Exception {
        assumePythonHas("torch", "python3-torch");
        List<Case> cases = new ArrayList<>();
        for (Activation activation : List.of(Activation.TANH, Activation.RELU)) {
            for (Head head : Head.values()) {
                ModelSpec spec = ModelSpec.of(3, 5, 4).withActivation(activation).withHead(head).withDataType(DataType.FLOAT32);
                cases.add(CaseGenerator.generate(spec.label(), spec, 3, 17, true, true, cases.size()));
            }
        }
        try (ExternalRnn pytorch = example("pytorch")) {
            Outcome outcome = check(pytorch, cases);
            assertTrue(outcome.problems().isEmpty(), () -> firstProblems(outcome));
            assertEquals(cases.size(), outcome.compared());
        }
    }

    @Test
    void pytorchRefusesWhatItCannotExpressWithTheReason() throws Exception {
        assumePythonHas("torch", "python3-torch");
        ModelSpec resetBefore = SMALL.withCell(Cell.GRU, CellOptions.gru(ResetPlacement.BEFORE, false));
        ModelSpec peepholes = SMALL.withCell(Cell.LSTM, CellOptions.lstm(true, false));
        try (ExternalRnn pytorch = example("pytorch")) {
            for (ModelSpec spec : List.of(resetBefore, peepholes)) {
                Case testCase = randomCase(spec, 1, 2, false, false, false, 1);
                String message = assertThrows(ExternalProcessException.class,
                        () -> pytorch.forward(spec, testCase.parameters(), testCase.batch())).getMessage();
                assertTrue(message.contains(spec == resetBefore
                        ? "refused the case (\"ok\": false): ValueError: nn.GRU applies the reset gate after the recurrent product"
                        : "refused the case (\"ok\": false): ValueError: nn.LSTM has no peephole connections"), message);
            }
        }
    }
}
