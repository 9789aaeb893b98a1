package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Cell;
import org.bptt.api.Combine;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.bptt.api.Truncation;
import org.bptt.core.cases.CaseGenerator;
import org.junit.jupiter.api.Test;

/**
 * One instance caches a network per configuration and sets each call's weights into it; a harness verifying on
 * several threads runs one instance per thread, all sharing ND4J's global default data type. Neither may change a
 * result: on every configuration, interleaved with the others, float32 beside float64, the results are those of a
 * fresh instance that ran that call alone, bit for bit.
 */
class Dl4jReuseAndThreadsTest {

    /** A call and the case it is made on. */
    private record Call(String name, ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {

        /** Everything the call returns, as tensors and numbers that compare bit for bit. */
        List<Object> run(Dl4jSimpleRnn dl4j) {
            if (truncation != null) {
                GradientResult gradients = dl4j.truncatedGradients(spec, parameters, batch, truncation);
                return List.of(gradients.loss(), gradients.parameterGradients().byName());
            }
            ForwardResult forward = dl4j.forward(spec, parameters, batch);
            GradientResult gradients = dl4j.gradients(spec, parameters, batch);
            List<Object> results = new ArrayList<>(List.of(forward.loss(), forward.outputs(), forward.hiddenStates(),
                    gradients.loss(), gradients.parameterGradients().byName()));
            Tensor inputGradients = gradients.inputGradients();
            results.add(inputGradients == null ? "none" : inputGradients);
            return results;
        }
    }

    private static final List<Call> CALLS = calls();

    /** Configurations that differ in every part of the networks' key, each on two batches (masked or not). */
    private static List<Call> calls() {
        List<ModelSpec> specs = List.of(
                elman(Activation.TANH, Head.PER_STEP_SOFTMAX, true, DataType.FLOAT64, 3),
                elman(Activation.TANH, Head.PER_STEP_SOFTMAX, true, DataType.FLOAT32, 3),
                elman(Activation.RELU, Head.LAST_STEP_SOFTMAX, false, DataType.FLOAT64, 3),
                elman(Activation.SIGMOID, Head.LAST_STEP_SIGMOID, true, DataType.FLOAT32, 1),
                elman(Activation.TANH, Head.PER_STEP_SOFTMAX, true, DataType.FLOAT64, 3)
                        .withTopology(Topology.forward(2)),
                elman(Activation.TANH, Head.PER_STEP_SOFTMAX, true, DataType.FLOAT64, 3)
                        .withTopology(Topology.bidirectional(1, Combine.MEAN)));
        List<Call> calls = new ArrayList<>();
        long seed = 11;
        for (ModelSpec spec : specs) {
            for (boolean masked : List.of(true, false)) {
                Case testCase = CaseGenerator.generate("reuse", spec, 3, 6, masked, false, seed++);
                calls.add(new Call(spec.label() + (masked ? " masked" : ""), spec, testCase.parameters(),
                        testCase.batch(), null));
                if (!spec.bidirectional()) {
                    calls.add(new Call(spec.label() + (masked ? " masked" : "") + " truncated", spec,
                            testCase.parameters(), testCase.batch(), new Truncation(2, 2)));
                }
            }
        }
        return calls;
    }

    private static ModelSpec elman(Activation activation, Head head, boolean biases, DataType dataType, int outputs) {
        return new ModelSpec(Cell.ELMAN, 3, 4, outputs, activation, head, biases, LossReduction.MEAN_OVER_BATCH,
                dataType);
    }

    /** Each call's results on a fresh instance that makes only that call. */
    private static List<List<Object>> alone() {
        return CALLS.stream().map(call -> call.run(new Dl4jSimpleRnn())).toList();
    }

    @Test
    void aReusedNetworkGivesAFreshOnesResultsOnEveryConfigurationInterleaved() {
        List<List<Object>> expected = alone();
        Dl4jSimpleRnn reused = new Dl4jSimpleRnn();
        // Twice round: the second time, every network comes from the cache after calls on other configurations.
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < CALLS.size(); i++) {
                assertEquals(expected.get(i), CALLS.get(i).run(reused), CALLS.get(i).name() + ", round " + round);
            }
        }
    }

    @Test
    void instancesOnTwoThreadsGiveTheResultsOfOneInstanceAlone() throws Exception {
        List<List<Object>> expected = alone();
        List<Integer> forwards = new ArrayList<>();
        for (int i = 0; i < CALLS.size(); i++) {
            forwards.add(i);
        }
        List<Integer> backwards = new ArrayList<>(forwards);
        Collections.reverse(backwards);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            // Opposite orders, three rounds each: float32 and float64 calls meet, and so do the configurations.
            List<Future<List<List<Object>>>> runs = new ArrayList<>();
            for (List<Integer> order : List.of(forwards, backwards)) {
                runs.add(threads.submit(() -> {
                    Dl4jSimpleRnn dl4j = new Dl4jSimpleRnn();
                    List<List<Object>> results = new ArrayList<>(Collections.nCopies(CALLS.size(), null));
                    for (int round = 0; round < 3; round++) {
                        for (int i : order) {
                            List<Object> result = CALLS.get(i).run(dl4j);
                            if (round > 0 && !result.equals(results.get(i))) {
                                throw new AssertionError(CALLS.get(i).name() + " changed in round " + round);
                            }
                            results.set(i, result);
                        }
                    }
                    return results;
                }));
            }
            for (Future<List<List<Object>>> run : runs) {
                List<List<Object>> results = run.get();
                for (int i = 0; i < CALLS.size(); i++) {
                    assertEquals(expected.get(i), results.get(i), CALLS.get(i).name());
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
