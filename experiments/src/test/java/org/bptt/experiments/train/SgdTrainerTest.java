package org.bptt.experiments.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.GradientResult;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.datasets.AddingProblem;
import org.bptt.datasets.TemporalOrderProblem;
import org.bptt.experiments.ForwardingPlugin;
import org.bptt.experiments.TestCalls;
import org.bptt.experiments.clipping.Clipping;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.junit.jupiter.api.Test;

class SgdTrainerTest {

    /**
     * A real learning check. With soft targets t the binary cross-entropy is at least the targets' mean entropy
     * E[H(t)] (reached when σ(o) = t); a network that ignores its input can do no better than always answering 0.5,
     * whose loss is ln 2. After 600 steps on the adding problem with T = 5, the loss above the entropy floor must be
     * at most a quarter of that of the constant answer, and more than half of the evaluation sequences must be
     * within 0.04 (chance: 15%).
     */
    @Test
    void sgdLearnsTheAddingProblemAtAShortLag() throws PluginCallFailure {
        AddingProblem task = new AddingProblem(5, false);
        ModelSpec spec = task.spec(8, Activation.TANH);
        SgdTrainer trainer = new SgdTrainer(TestCalls.isolated(new ReferenceAggregatedRnn()), task, spec);
        for (long seed = 1; seed <= 3; seed++) {
            Parameters initial = CaseGenerator.parameters(spec, CaseGenerator.Options.defaults(), new SplittableRandom(seed));
            Batch evaluation = task.batch(300, seed + 100);
            double entropyFloor = 0;
            for (int b = 0; b < evaluation.batchSize(); b++) {
                double t = evaluation.targets().get(b, 0);
                entropyFloor -= t * Math.log(t) + (1 - t) * Math.log(1 - t);
            }
            entropyFloor /= evaluation.batchSize();
            SgdTrainer.Run run = trainer.train(initial, new SplittableRandom(seed), evaluation,
                    new SgdTrainer.Settings(0.5, 600, 20, Clipping.none(), 600), () -> { });
            assertFalse(run.diverged());
            double excess = run.lastEvaluation().loss() - entropyFloor;
            double constantAnswerExcess = Math.log(2) - entropyFloor;
            assertTrue(excess <= 0.25 * constantAnswerExcess, String.format(
                    "seed %d: loss %.4f is %.4f above the floor %.4f; the constant answer is %.4f above it",
                    seed, run.lastEvaluation().loss(), excess, entropyFloor, constantAnswerExcess));
            assertTrue(run.lastEvaluation().successRate() > 0.5, "seed " + seed + ": success " + run.lastEvaluation().successRate());
            assertEquals(600, run.steps().size());
            assertEquals(2, run.evaluations().size(), "before the first and after the last step");
        }
    }

    @Test
    void anUpdateIsThetaMinusEtaTimesTheGradient() {
        Parameters theta = new Parameters(Map.of(ParameterNames.U, Tensor.of(new double[] {1, 2}, 2, 1),
                ParameterNames.W, Tensor.of(new double[] {0, 1, 1, 0}, 2, 2), ParameterNames.B, Tensor.of(new double[] {0.5, -0.5}, 2),
                ParameterNames.V, Tensor.of(new double[] {3, 4}, 1, 2), ParameterNames.C, Tensor.of(new double[] {1}, 1)));
        Parameters gradient = new Parameters(Map.of(ParameterNames.U, Tensor.of(new double[] {10, -10}, 2, 1),
                ParameterNames.W, Tensor.of(new double[] {1, 1, 1, 1}, 2, 2), ParameterNames.B, Tensor.of(new double[] {0, 2}, 2),
                ParameterNames.V, Tensor.of(new double[] {-1, 0}, 1, 2), ParameterNames.C, Tensor.of(new double[] {4}, 1)));
        Parameters updated = SgdTrainer.update(theta, gradient, 0.1);
        assertArrayEquals(new double[] {0, 3}, updated.get(ParameterNames.U).data(), 1e-15);
        assertArrayEquals(new double[] {-0.1, 0.9, 0.9, -0.1}, updated.get(ParameterNames.W).data(), 1e-15);
        assertArrayEquals(new double[] {0.5, -0.7}, updated.get(ParameterNames.B).data(), 1e-15);
        assertArrayEquals(new double[] {3.1, 4}, updated.get(ParameterNames.V).data(), 1e-15);
        assertArrayEquals(new double[] {0.6}, updated.get(ParameterNames.C).data(), 1e-15);
        assertArrayEquals(new double[] {1, 2}, theta.get(ParameterNames.U).data(), "θ itself is not modified");
    }

    @Test
    void clippingCapsEveryAppliedStep() throws PluginCallFailure {
        AddingProblem task = new AddingProblem(6, false);
        ModelSpec spec = task.spec(6, Activation.TANH);
        Parameters initial = CaseGenerator.parameters(spec, CaseGenerator.Options.defaults(), new SplittableRandom(3));
        SgdTrainer.Run run = new SgdTrainer(TestCalls.isolated(new ReferenceAggregatedRnn()), task, spec).train(initial, new SplittableRandom(4),
                task.batch(10, 5L), new SgdTrainer.Settings(1.0, 30, 10, Clipping.globalNorm(0.01), 10), () -> { });
        for (SgdTrainer.Step step : run.steps()) {
            assertTrue(step.appliedNorm() <= 0.01 * (1 + 1e-12), step.toString());
            assertEquals(Math.min(step.gradientNorm(), 0.01), step.appliedNorm(), 1e-12);
        }
        assertTrue(run.steps().stream().anyMatch(SgdTrainer.Step::clipped), "gradients of a fresh network exceed 0.01");
    }

    @Test
    void aNonFiniteGradientEndsTheRunAsDiverged() throws PluginCallFailure {
        int[] calls = {0};
        ForwardingPlugin breaksAtThirdStep = new ForwardingPlugin("breaks", ForwardingPlugin.referenceCapabilitiesWithout(),
                result -> ++calls[0] < 3 ? result : withNaN(result));
        TemporalOrderProblem task = new TemporalOrderProblem(10, true);
        ModelSpec spec = task.spec(4, Activation.TANH);
        Parameters initial = CaseGenerator.parameters(spec, CaseGenerator.Options.defaults(), new SplittableRandom(1));
        int[] stepsReported = {0};
        SgdTrainer.Run run = new SgdTrainer(breaksAtThirdStep.isolated(), task, spec).train(initial, new SplittableRandom(2),
                task.batch(5, 3L), new SgdTrainer.Settings(0.1, 10, 4, Clipping.globalNorm(1), 5), () -> stepsReported[0]++);
        assertTrue(run.diverged());
        assertEquals(3, run.divergedAtStep());
        assertEquals(3, run.steps().size());
        assertEquals(3, stepsReported[0]);
        assertTrue(run.divergence().contains("gradient norm is NaN"), run.divergence());
        assertEquals(-1, run.parameters().get(ParameterNames.W).firstNonFinite(), "the last finite weights are kept");
    }

    @Test
    void aModelThatDoesNotFitTheTaskIsRefused() {
        AddingProblem task = new AddingProblem(5, false);
        ModelSpec wrong = new TemporalOrderProblem(10, false).spec(4, Activation.TANH);
        InvalidInputException error = assertThrows(InvalidInputException.class,
                () -> new SgdTrainer(TestCalls.isolated(new ReferenceAggregatedRnn()), task, wrong));
        assertTrue(error.getMessage().contains("does not fit task adding"), error.getMessage());
    }

    /**
     * With V = 0 and c = 0 the sigmoid head answers σ(0) = 1/2 for every sequence, so the held-out squared error is
     * the mean of (1/2 − t)² over the batch's targets, whatever the recurrent weights.
     */
    @Test
    void theFractionWrongIsTheCountOfWrongSequencesOverTheBatchWithoutTheSubtractionsResidue() {
        // 999 of 1000 right: 1 − 0.999 is 0.0010000000000000009 in double precision, 1/1000 is 0.001
        assertEquals(1 / 1000.0, new SgdTrainer.Evaluation(0, 0, 999 / 1000.0, 0).fractionWrong());
        assertEquals(66 / 1000.0, new SgdTrainer.Evaluation(0, 0, 934 / 1000.0, 0).fractionWrong());
        assertEquals(1 / 2560.0, new SgdTrainer.Evaluation(0, 0, 2559 / 2560.0, 0).fractionWrong());
        assertEquals(0.0, new SgdTrainer.Evaluation(0, 0, 1.0, 0).fractionWrong());
        assertEquals(1.0, new SgdTrainer.Evaluation(0, 0, 0.0, 0).fractionWrong());
    }

    @Test
    void theEvaluationMeasuresTheMeanSquaredErrorOfTheOutputs() throws PluginCallFailure {
        AddingProblem task = new AddingProblem(6, false);
        ModelSpec spec = task.spec(5, Activation.TANH);
        Parameters parameters = CaseGenerator.parameters(spec, CaseGenerator.Options.defaults(), new SplittableRandom(8))
                .with(ParameterNames.V, Tensor.zeros(1, 5)).with(ParameterNames.C, Tensor.zeros(1));
        Batch evaluation = task.batch(50, 9L);
        double expected = 0;
        for (int b = 0; b < 50; b++) {
            double error = 0.5 - evaluation.targets().get(b, 0);
            expected += error * error / 50;
        }
        SgdTrainer.Evaluation measured = new SgdTrainer(TestCalls.isolated(new ReferenceAggregatedRnn()), task, spec)
                .evaluate(0, parameters, evaluation);
        assertEquals(expected, measured.meanSquaredError(), 1e-15);
    }

    private static GradientResult withNaN(GradientResult result) {
        Parameters gradients = result.parameterGradients().copy();
        gradients.get(ParameterNames.W).data()[0] = Double.NaN;
        return new GradientResult(result.loss(), gradients, result.inputGradients(), result.initialStateGradients(),
                result.hiddenStateGradients());
    }
}
