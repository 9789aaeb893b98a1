package org.bptt.experiments.decay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.bptt.api.Activation;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator.Rescaling;
import org.bptt.core.cases.WeightInit;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.experiments.TestCalls;
import org.bptt.experiments.decay.GatedDecayExperiment.Config;
import org.bptt.experiments.decay.GatedDecayExperiment.Curve;
import org.bptt.experiments.decay.GatedDecayExperiment.Curves;
import org.bptt.experiments.decay.GatedDecayExperiment.Summary;
import org.bptt.outputs.ChartSpec;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.bptt.reports.charts.ChartDrawing;
import org.bptt.reports.charts.ChartWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GatedDecayExperimentTest {

    private static final IsolatedPlugin REFERENCE = TestCalls.isolated(new ReferenceAggregatedRnn());
    private static final int STEPS = 40;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static GatedDecayExperiment small(List<Cell> cells) {
        return new GatedDecayExperiment(new GatedDecayExperiment.Settings(cells, List.of(0.5, 1.0), List.of(-2.0, 6.0),
                STEPS, 4, 3, 2, 7L));
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /**
     * The case of {@code config} with every recurrent matrix W_* and the memory gate's input weights set to zero: the
     * gate is then σ(bias) at every step and every unit, and nothing reaches the future through h.
     */
    private static Case withoutRecurrence(GatedDecayExperiment experiment, Config config, String gateInputWeights) {
        Case drawn = experiment.testCase(config, 7L);
        Parameters parameters = drawn.parameters();
        for (ParameterDeclaration declaration : drawn.spec().parameters()) {
            if (declaration.dimensions().equals(List.of("H", "H")) || declaration.name().equals(gateInputWeights)) {
                parameters = parameters.with(declaration.name(), Tensor.zeros(declaration.shape()));
            }
        }
        return new Case(drawn.id(), drawn.description(), drawn.spec(), parameters, drawn.batch(), drawn.seed());
    }

    /**
     * Hochreiter &amp; Schmidhuber's constant-error carousel. Without recurrent weights and with U_f = 0 the only way
     * from c_k to the loss is c_{k+1} = f ⊙ c_k + i ⊙ g with f = σ(b_f) everywhere, so ∂L/∂c_k = σ(b_f)^(T−2−k)
     * ∂L/∂c_{T−2}: the curve is σ(b_f)^(ℓ−1) at lag ℓ, which stays above 0.9 over 40 steps for b_f = 6. Elman's
     * hidden curve with σ_max(W) = 0.9 and tanh is below 0.9^ℓ (the bound of {@link DecayBound}).
     */
    @Test
    void theLstmCellStateCurveIsTheProductOfItsForgetGatesAndStaysNearOneWhileElmansDecays() throws Exception {
        GatedDecayExperiment experiment = small(List.of(Cell.LSTM));
        Config config = new Config(Cell.LSTM, 1.0, 6.0);
        Curves curves = GatedDecayExperiment.curves(REFERENCE, withoutRecurrence(experiment, config, ParameterNames.U_F));
        double forget = sigmoid(6.0);
        for (int lag = 1; lag <= STEPS; lag++) {
            double expected = Math.pow(forget, lag - 1);
            assertEquals(expected, curves.cell()[lag - 1], 1e-12 * expected, "lag " + lag);
        }
        assertTrue(curves.cell()[STEPS - 1] > 0.9, "the carousel keeps the gradient: " + curves.cell()[STEPS - 1]);

        DecayExperiment elman = new DecayExperiment(new DecayExperiment.Settings(List.of(Activation.TANH),
                List.of(Rescaling.LARGEST_SINGULAR_VALUE), List.of(0.9), STEPS, 4, 3, 1, 1, 7L, WeightInit.XAVIER,
                TolerancePolicy.defaults()));
        Case elmanCase = elman.testCase(elman.settings().configs().get(0), 7L);
        double[] elmanHidden = GatedDecayExperiment.curves(REFERENCE, elmanCase).hidden();
        assertNull(GatedDecayExperiment.curves(REFERENCE, elmanCase).cell(), "the Elman cell has no cell state");
        double elmanLast = elmanHidden[STEPS - 1];
        assertTrue(elmanLast <= Math.pow(0.9, STEPS - 1) && elmanLast < 0.02,
                String.format(Locale.ROOT, "Elman's curve decays: %.3g at lag %d", elmanLast, STEPS - 1));
    }

    /**
     * The GRU's h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}: without recurrent weights n does not depend on h_{t−1}, and with
     * U_z = 0 the update gate is σ(b_z), so ∂h_t/∂h_{t−1} = σ(b_z)·I and the curve is σ(b_z)^ℓ exactly. z near 1
     * (b_z = 6) carries the gradient like the carousel; z near 0 (b_z = −6) cuts it at once.
     */
    @Test
    void theGruHiddenCurveIsTheUpdateGateToThePowerOfTheLag() throws Exception {
        GatedDecayExperiment experiment = small(List.of(Cell.GRU));
        for (double bias : new double[] {6.0, -6.0}) {
            Curves curves = GatedDecayExperiment.curves(REFERENCE,
                    withoutRecurrence(experiment, new Config(Cell.GRU, 1.0, bias), ParameterNames.U_Z));
            assertNull(curves.cell(), "a GRU has no cell state");
            double z = sigmoid(bias);
            for (int lag = 0; lag < STEPS; lag++) {
                double expected = Math.pow(z, lag);
                if (expected < 1e-290) {
                    break;
                }
                assertEquals(expected, curves.hidden()[lag], 1e-12 * expected, "b_z = " + bias + ", lag " + lag);
            }
        }
    }

    @Test
    void theSweepSummarisesEveryConfigurationAndDrawsItsCharts() throws Exception {
        GatedDecayExperiment experiment = small(List.of(Cell.GRU, Cell.LSTM));
        int[] cases = {0};
        GatedDecayExperiment.Result result = experiment.run(REFERENCE, () -> cases[0]++);
        assertEquals(experiment.settings().cases(), cases[0], "progress is reported once per case");
        assertTrue(result.problems().isEmpty(), result.problems().toString());
        // a hidden curve per configuration, and a cell-state curve per LSTM configuration
        int configsPerCell = 4;
        assertEquals(configsPerCell * 3, result.summaries().size());
        assertEquals(configsPerCell * 3 * STEPS, result.curves().size());
        for (Summary summary : result.summaries()) {
            assertEquals(summary.curve().firstLag() + STEPS - 1, summary.lastLag(), summary.toString());
            assertEquals(1.0, result.curve(summary.config(), summary.curve()).get(0).median(), 1e-15,
                    "a curve is normalised at its first lag: " + summary);
        }
        assertEquals(List.of("decay-gated-summary", "decay-gated-curves", "decay-gated-problems"),
                result.tables().stream().map(org.bptt.outputs.Table::name).toList());
        List<ChartSpec> charts = GatedDecayCharts.charts(result, "test");
        assertEquals(List.of("decay-gated-gru-hidden-sigma-0.5", "decay-gated-gru-hidden-sigma-1.0",
                        "decay-gated-lstm-hidden-sigma-0.5", "decay-gated-lstm-hidden-sigma-1.0",
                        "decay-gated-lstm-cell-sigma-0.5", "decay-gated-lstm-cell-sigma-1.0"),
                charts.stream().map(ChartSpec::name).toList());
        assertTrue(ChartWriter.png(ChartDrawing.draw(charts.get(4))).length > 1000);
    }

    @Test
    void theSameSettingsGiveTheSameResult() {
        GatedDecayExperiment experiment = small(List.of(Cell.LSTM));
        assertEquals(experiment.run(REFERENCE, () -> { }).tables(), experiment.run(REFERENCE, () -> { }).tables());
    }

    @Test
    void theElmanCellIsNotAGatedCell() {
        InvalidInputException thrown = assertThrows(InvalidInputException.class, () -> small(List.of(Cell.ELMAN)));
        assertTrue(thrown.getMessage().contains("gru or lstm"), thrown.getMessage());
    }
}
