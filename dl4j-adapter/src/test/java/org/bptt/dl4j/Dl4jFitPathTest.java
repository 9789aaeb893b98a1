package org.bptt.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.Combine;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The plugin takes a case's loss from its forward pass's activations (the output layer's {@code computeScore}, as
 * {@code score(DataSet)} ends) and, where the features mask is the labels mask, its parameter gradients from the same
 * {@code calculateGradients} call that gives dL/dx. Neither may change a number: on every recurrent layer, one layer,
 * a stack and both kinds of bidirectional top layer, per-step and last-step heads, masked and not, the loss and the
 * parameter gradients are those of DL4J's own training path ({@code computeGradientAndScore()}, what {@code fit()}
 * calls) and the loss that of {@code score(DataSet)}, bit for bit, whether or not the forward pass came first.
 */
class Dl4jFitPathTest {

    @ParameterizedTest
    @EnumSource(Dl4jRecurrentLayer.class)
    void lossAndParameterGradientsAreThoseOfDl4jsTrainingPathBitForBit(Dl4jRecurrentLayer layer) {
        Cell cell = layer == Dl4jRecurrentLayer.SIMPLE_RNN ? Cell.ELMAN : Cell.LSTM;
        boolean peepholes = layer == Dl4jRecurrentLayer.GRAVES_LSTM;
        Dl4jRnnPlugin plugin = layer == Dl4jRecurrentLayer.SIMPLE_RNN ? Dl4jTestSupport.DL4J
                : Dl4jTestSupport.lstmPlugin(layer);
        int checked = 0;
        long seed = 71;
        for (Topology topology : List.of(Topology.forward(1), Topology.forward(2),
                Topology.bidirectional(1, Combine.CONCAT), Topology.bidirectional(1, Combine.SUM))) {
            for (Head head : List.of(Head.PER_STEP_SOFTMAX, Head.LAST_STEP_SOFTMAX, Head.LAST_STEP_SIGMOID)) {
                for (boolean masked : List.of(false, true)) {
                    ModelSpec spec = StackedCases.spec(cell, peepholes, head, topology);
                    Parameters parameters = StackedCases.parameters(spec, seed);
                    Batch batch = StackedCases.batch(spec, 5, masked, seed++);
                    String context = layer + " " + spec.label() + (masked ? " masked" : "");
                    List<Object> fitPath = fitPath(layer, spec, parameters, batch);

                    double forwardLoss = plugin.forward(spec, parameters, batch).loss();
                    GradientResult afterForward = plugin.gradients(spec, parameters, batch);
                    assertEquals(fitPath.get(0), forwardLoss, context + ": the forward pass's loss");
                    assertEquals(fitPath, List.of(afterForward.loss(), afterForward.parameterGradients().byName()),
                            context + ": gradients after the forward pass");

                    GradientResult alone = fresh(layer).gradients(spec, parameters, batch);
                    assertEquals(fitPath, List.of(alone.loss(), alone.parameterGradients().byName()),
                            context + ": gradients alone");
                    checked++;
                }
            }
        }
        assertEquals(24, checked);
    }

    private static Dl4jRnnPlugin fresh(Dl4jRecurrentLayer layer) {
        return switch (layer) {
            case SIMPLE_RNN -> new Dl4jSimpleRnn();
            case LSTM -> new Dl4jLstm();
            case GRAVES_LSTM -> new Dl4jGravesLstm();
        };
    }

    /**
     * L from {@code score(DataSet, false)} and the parameter gradients from {@code computeGradientAndScore()} of a
     * network built and set as the plugin builds and sets its own, scaled as the plugin scales them.
     */
    private static List<Object> fitPath(Dl4jRecurrentLayer layer, ModelSpec spec, Parameters parameters, Batch batch) {
        DataType type = Dl4jNetwork.nd4jType(spec.dataType());
        MultiLayerNetwork network = Dl4jStackedNetwork.build(Dl4jStackedNetwork.Key.of(layer, spec, null));
        Dl4jStackedNetwork.setParameters(network, layer, spec, parameters);
        Dl4jBatch data = Dl4jBatch.of(spec, batch, type);
        double divisor = spec.reduction().divisor(batch.batchSize(), batch.lossTerms(spec.head()));
        double score = network.score(data.dataSet(), false);
        network.setInput(data.features());
        network.setLabels(data.labels());
        network.setLayerMaskArrays(data.featureMask(), data.labelMask());
        network.computeGradientAndScore();
        Map<String, Tensor> gradients = Dl4jStackedNetwork.parameterGradients(network.gradient().gradientForVariable(),
                1.0 / divisor, layer, spec).byName();
        return new ArrayList<>(List.of(score * batch.batchSize() / divisor, gradients));
    }
}
