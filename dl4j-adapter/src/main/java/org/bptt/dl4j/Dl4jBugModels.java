package org.bptt.dl4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.bptt.api.Batch;
import org.bptt.api.DocumentedLimitException;
import org.bptt.api.ExactComputation;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ParameterName;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Results;
import org.bptt.api.Tensor;
import org.bptt.api.Topology;
import org.bptt.api.Truncation;
import org.bptt.api.WrongComputation;

/**
 * DL4J's and SameDiff's known divergences as models of the wrong computation (KNOWN_DIVERGENCES.md): each predicts
 * the library's numbers from the exact computation, on a transformed case or with arithmetic on exact results, so
 * the harness calls a divergence known only where the library's numbers are those the documented mechanism gives.
 *
 * <p>Three transformations carry most of them, all exact because the reference's output error is linear in the
 * targets (dL/do_t = y_t − target_t for either head, and the reference does not require a target to be a
 * distribution):
 * <ul>
 *   <li><b>A loss at more steps:</b> a last-step head whose loss is taken at every unmasked step against zero labels
 *       is the per-step softmax head with zero target rows at the non-final steps. For the sigmoid head, whose
 *       y = σ(o), the per-step softmax over the two logits (o, 0) has the same probability σ(o) and the same
 *       error σ(o) − target on o: the head gets a second output row of zeros, and the target (t, 1 − t).</li>
 *   <li><b>States recomputed from another start:</b> a backward pass through states recomputed from another initial
 *       state (c_{-1} := h_{-1}, for SameDiff's LSTM), driven by the output errors of the true forward pass, is the
 *       exact gradient of the recomputed forward pass with the targets shifted by the difference of the outputs:
 *       target' = target + y(recomputed) − y(true) gives the error y(recomputed) − target' = y(true) − target.</li>
 *   <li><b>Any error injected into one layer:</b> a layer alone under a per-step softmax head with V = I and c = 0,
 *       whose targets are its outputs minus the wanted dL/dh_t, backpropagates exactly those errors; its dL/dx is
 *       the error it hands to the layer below. So DL4J's truncated chunks, where each layer of a stack recomputes its
 *       states from zero on the input it kept, are modelled one layer at a time, from the top.</li>
 * </ul>
 */
final class Dl4jBugModels {

    private Dl4jBugModels() {
    }

    /** How a model computes its prediction. */
    @FunctionalInterface
    interface Prediction {
        Results predict(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation, ExactComputation exact);
    }

    /**
     * A model: its description, which reports group by (no case's numbers), what the case adds to it, and its
     * prediction.
     */
    private record Model(String description, String caseDetail, Prediction prediction) implements WrongComputation {
        @Override
        public Results predict(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                               ExactComputation exact) {
            return prediction.predict(spec, parameters, batch, truncation, exact);
        }
    }

    static WrongComputation model(String description, Prediction prediction) {
        return new Model(description, "", prediction);
    }

    /** A model whose case adds {@code caseDetail} to its description (e.g. which parts of §2 its k1 and k2 meet). */
    static WrongComputation model(String description, String caseDetail, Prediction prediction) {
        return new Model(description, caseDetail, prediction);
    }

    /**
     * §1: {@code MultiLayerNetwork.calculateGradients} hands the features mask to the output layer as its labels mask,
     * so dL/dx is the input gradient of a loss taken at every unmasked step, against zero labels at the steps before
     * each sequence's last. Everything else is exact (it comes from {@code computeGradientAndScore}).
     */
    static Results featuresMaskAsLabelsMask(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                                            ExactComputation exact) {
        requireFullBptt(truncation, "§1 concerns dL/dx, which only full BPTT returns");
        if (!spec.head().lastStepOnly()) {
            throw new DocumentedLimitException("§1 concerns last-step heads");
        }
        ForwardResult forward = exact.forward(spec, parameters, batch);
        GradientResult gradients = exact.gradients(spec, parameters, batch);
        Tensor inputGradients = lossAtEveryUnmaskedStep(spec, parameters, batch, exact).inputGradients();
        return new Results(forward, new GradientResult(gradients.loss(), gradients.parameterGradients(), inputGradients,
                gradients.initialStateGradients(), gradients.hiddenStateGradients(), gradients.initialCellStateGradients()));
    }

    /**
     * The exact gradients of the loss of a last-step head taken at every unmasked step, with the case's target at
     * each sequence's last step and zero labels before it, reduced with the case's divisor (a last-step head's: 1 or
     * B).
     */
    static GradientResult lossAtEveryUnmaskedStep(ModelSpec spec, Parameters parameters, Batch batch,
                                                  ExactComputation exact) {
        boolean sigmoid = spec.head() == Head.LAST_STEP_SIGMOID;
        ModelSpec perStep = perStepSoftmax(spec,
                spec.reduction() == LossReduction.SUM ? LossReduction.SUM : LossReduction.MEAN_OVER_BATCH);
        int classes = perStep.outputSize();
        Parameters perStepParameters = perStepSoftmaxParameters(spec, parameters);
        Tensor targets = Tensor.zeros(batch.batchSize(), batch.steps(), classes);
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            int last = batch.length(sequence) - 1;
            for (int k = 0; k < spec.outputSize(); k++) {
                targets.set(batch.targets().get(sequence, k), sequence, last, k);
            }
            if (sigmoid) {
                targets.set(1 - batch.targets().get(sequence, 0), sequence, last, 1);
            }
        }
        Batch perStepBatch = new Batch(batch.inputs(), targets, batch.mask(), batch.initialState(),
                batch.initialCellState());
        return exact.gradients(perStep, perStepParameters, perStepBatch);
    }

    /**
     * §2 (and §7 for the LSTMs): DL4J's truncated BPTT at fixed parameters. Chunks of k1 steps (k2 has no effect);
     * each chunk's loss backpropagates through that chunk only, through every recurrent layer's states recomputed
     * from zero, driven by the output errors of the forward pass that carried the state; the output layer's
     * gradients are those of every loss term at the true states, i.e. full BPTT's.
     */
    static Results truncatedChunks(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                                   ExactComputation exact) {
        if (truncation == null) {
            throw new DocumentedLimitException("§2 concerns truncated BPTT");
        }
        return new Results(null, recomputedFromZero(spec, parameters, batch, truncation.forwardLength(), exact));
    }

    /**
     * The gradients DL4J computes when each recurrent layer's backward pass ({@code backpropGradient}) recomputes
     * its states of every chunk of {@code chunkLength} steps from zero (the first chunk from zero too: the given
     * initial states, if any, reach the forward pass only), on the input the layer kept from the true forward pass
     * (x, or the lower layer's carried activations), driven by the errors handed down from above: the top layer's
     * are the output errors of the true forward pass, a lower layer's the input gradient of the recomputed layer
     * above it. The output layer's gradients and the loss are full BPTT's. No dL/dx. Forward networks only (DL4J
     * runs no truncated BPTT through bidirectional layers).
     */
    static GradientResult recomputedFromZero(ModelSpec spec, Parameters parameters, Batch batch, int chunkLength,
                                             ExactComputation exact) {
        if (spec.bidirectional()) {
            throw new DocumentedLimitException("modelled for forward networks only");
        }
        GradientResult full = exact.gradients(spec, parameters, batch);
        Tensor topErrors = topLayerErrors(spec, parameters, batch, exact);
        Tensor[] layerInputs = layerInputs(spec, parameters, batch, exact);
        Map<String, Tensor> sums = new LinkedHashMap<>();
        for (int start = 0; start < batch.steps(); start += chunkLength) {
            int end = Math.min(batch.steps(), start + chunkLength);
            int[] sequences = sequencesWithLossIn(spec, batch, start, end);
            if (sequences.length == 0) {
                continue;
            }
            Tensor chunkMask = chunkMask(batch, sequences, start, end);
            Tensor errors = chunkOf(topErrors, sequences, start, chunkMask.size(1));
            for (int layer = spec.layers() - 1; layer >= 0; layer--) {
                Tensor inputs = chunkOf(layerInputs[layer], sequences, start, chunkMask.size(1));
                GradientResult recomputed = drivenByErrors(layerAlone(spec, layer),
                        layerAloneParameters(spec, parameters, layer), inputs, chunkMask, errors, exact);
                layerGradients(recomputed, layer).forEach((name, gradient) -> sums.merge(name, gradient.copy(),
                        Dl4jBugModels::addTo));
                errors = recomputed.inputGradients();
            }
        }
        Map<String, Tensor> gradients = new LinkedHashMap<>();
        for (ParameterDeclaration declaration : spec.parameters()) {
            String name = declaration.name();
            gradients.put(name, ParameterName.parse(name).head() ? full.parameterGradients().get(name)
                    : sums.getOrDefault(name, Tensor.zeros(declaration.shape())));
        }
        return new GradientResult(full.loss(), new Parameters(gradients), null, null, null);
    }

    /**
     * §3 (and §7 for the LSTMs): a given h_{-1} (c_{-1}) set as the recurrent layer's stored state reaches the forward
     * pass (h, y, the loss and the output layer's gradients are exact), but the recurrent layer's backward pass
     * recomputes its states from zero, and {@code calculateGradients}' dL/dx is that of the forward pass from zero
     * (with §1's loss at every unmasked step where §1 applies).
     */
    static Results givenInitialState(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                                     ExactComputation exact) {
        requireFullBptt(truncation, "truncated BPTT from a given state is §2's model");
        ForwardResult forward = exact.forward(spec, parameters, batch);
        GradientResult recomputed = recomputedFromZero(spec, parameters, batch, batch.steps(), exact);
        Batch fromZero = new Batch(batch.inputs(), batch.targets(), batch.mask(), null, null);
        Tensor inputGradients = (Dl4jKnownDivergences.inputGradientsDiverge(spec, batch)
                ? lossAtEveryUnmaskedStep(spec, parameters, fromZero, exact)
                : exact.gradients(spec, parameters, fromZero)).inputGradients();
        return new Results(forward, new GradientResult(recomputed.loss(), recomputed.parameterGradients(),
                inputGradients, null, null));
    }

    /**
     * dL/dh_t of a forward network's top layer through the output layer alone, {@code [B, T, H]}: Vᵀ (y_t − target_t) divided by the
     * reduction's divisor at each loss term of the true forward pass (for every head, dL/do = y − target), zero at the
     * other steps.
     */
    static Tensor topLayerErrors(ModelSpec spec, Parameters parameters, Batch batch, ExactComputation exact) {
        Tensor outputs = exact.forward(spec, parameters, batch).outputs();
        Tensor weights = parameters.get(ParameterNames.V);
        double divisor = spec.reduction().divisor(batch.batchSize(), batch.lossTerms(spec.head()));
        Tensor errors = Tensor.zeros(batch.batchSize(), batch.steps(), spec.hiddenSize());
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            int length = batch.length(sequence);
            for (int step = spec.head().lastStepOnly() ? length - 1 : 0; step < length; step++) {
                for (int k = 0; k < spec.outputSize(); k++) {
                    int[] at = spec.head().lastStepOnly() ? new int[] {sequence, k} : new int[] {sequence, step, k};
                    double outputError = (outputs.get(at) - batch.targets().get(at)) / divisor;
                    for (int j = 0; j < spec.hiddenSize(); j++) {
                        errors.set(errors.get(sequence, step, j) + weights.get(k, j) * outputError, sequence, step, j);
                    }
                }
            }
        }
        return errors;
    }

    /**
     * What each layer reads in the true forward pass, {@code [B, T, in]}: x for layer 0, the activations of the layer
     * below (from its given initial state, if any) above it. Forward networks only.
     */
    private static Tensor[] layerInputs(ModelSpec spec, Parameters parameters, Batch batch, ExactComputation exact) {
        Tensor[] inputs = new Tensor[spec.layers()];
        inputs[0] = batch.inputs();
        for (int layer = 0; layer + 1 < spec.layers(); layer++) {
            ModelSpec alone = errorHead(layerAlone(spec, layer));
            Batch layerBatch = new Batch(inputs[layer], Tensor.zeros(batch.batchSize(), batch.steps(), alone.outputSize()),
                    batch.mask(), batch.initialState(spec, layer, false), batch.initialCellState(spec, layer, false));
            inputs[layer + 1] = exact.forward(alone, withErrorHead(alone, layerAloneParameters(spec, parameters, layer)),
                    layerBatch).hiddenStates();
        }
        return inputs;
    }

    /**
     * The exact gradients of {@code network}'s recurrent layers run from zero states on {@code inputs} and driven by
     * {@code errors}, dL/d(the top layer's output) from above ({@code [B, T, width]}, the output combined for a
     * bidirectional network): the layers' parameter gradients and dL/d(their inputs). The errors enter through
     * {@link #errorHead}, whose targets are its outputs minus the errors, so that its dL/dh_t = y_t − target_t is
     * exactly {@code errors}; its own gradients mean nothing.
     */
    static GradientResult drivenByErrors(ModelSpec network, Parameters parameters, Tensor inputs, Tensor mask,
                                         Tensor errors, ExactComputation exact) {
        ModelSpec passing = errorHead(network);
        Parameters passingParameters = withErrorHead(passing, parameters);
        Tensor outputs = exact.forward(passing, passingParameters, new Batch(inputs, Tensor.zeros(errors.shape()), mask,
                null)).outputs();
        Tensor targets = outputs.copy();
        for (int i = 0; i < targets.length(); i++) {
            targets.data()[i] -= errors.data()[i];
        }
        return exact.gradients(passing, passingParameters, new Batch(inputs, targets, mask, null));
    }

    /**
     * {@code network} under a per-step softmax head that passes errors through: K = the top layer's output width,
     * and (in {@link #withErrorHead}) V = I, c = 0; the loss summed.
     */
    private static ModelSpec errorHead(ModelSpec network) {
        return new ModelSpec(network.cell(), network.cellOptions(), network.inputSize(), network.hiddenSize(),
                network.topology().layerOutputSize(network.hiddenSize()), network.activation(), Head.PER_STEP_SOFTMAX,
                network.biases(), LossReduction.SUM, network.dataType(), network.topology());
    }

    /** {@code parameters}' cell tensors, and {@link #errorHead}'s V = I (and c = 0). */
    private static Parameters withErrorHead(ModelSpec passing, Parameters parameters) {
        int width = passing.outputSize();
        return Parameters.of(passing, declaration -> {
            if (declaration.name().equals(ParameterNames.V)) {
                Tensor identity = Tensor.zeros(width, width);
                for (int j = 0; j < width; j++) {
                    identity.set(1, j, j);
                }
                return identity;
            }
            return declaration.name().equals(ParameterNames.C) ? Tensor.zeros(width) : parameters.get(declaration.name());
        });
    }

    /**
     * Layer {@code layer} of {@code spec} alone: a one-layer network of its directions reading its input, under
     * {@code spec}'s head (over the layer's output).
     */
    static ModelSpec layerAlone(ModelSpec spec, int layer) {
        Topology one = spec.bidirectional() ? Topology.bidirectional(1, spec.topology().combine()) : Topology.SINGLE;
        return new ModelSpec(spec.cell(), spec.cellOptions(), spec.layerInputSize(layer), spec.hiddenSize(),
                spec.outputSize(), spec.activation(), spec.head(), spec.biases(), spec.reduction(), spec.dataType(), one);
    }

    /** Layer {@code layer}'s parameters and the head's, under their names in {@link #layerAlone}. */
    static Parameters layerAloneParameters(ModelSpec spec, Parameters parameters, int layer) {
        return Parameters.of(layerAlone(spec, layer), declaration -> {
            ParameterName name = ParameterName.parse(declaration.name());
            return parameters.get(name.head() ? declaration.name()
                    : ParameterName.of(layer, name.reverse(), name.base()).toString());
        });
    }

    /** The cell gradients of {@link #layerAlone}{@code (spec, layer)} under their names in the whole network. */
    static Map<String, Tensor> layerGradients(GradientResult alone, int layer) {
        Map<String, Tensor> gradients = new LinkedHashMap<>();
        alone.parameterGradients().byName().forEach((bare, gradient) -> {
            ParameterName name = ParameterName.parse(bare);
            if (!name.head()) {
                gradients.put(ParameterName.of(layer, name.reverse(), name.base()).toString(), gradient);
            }
        });
        return gradients;
    }

    /** The sequences with a loss term among steps start … end − 1. */
    private static int[] sequencesWithLossIn(ModelSpec spec, Batch batch, int start, int end) {
        return java.util.stream.IntStream.range(0, batch.batchSize()).filter(sequence -> {
            int length = batch.length(sequence);
            return spec.head().lastStepOnly() ? length - 1 >= start && length - 1 < end : length > start;
        }).toArray();
    }

    /**
     * The mask of steps start … end − 1 of {@code sequences}, {@code [sequences, steps]} with as many steps as the
     * longest of them has there: ones up to where each sequence ends.
     */
    private static Tensor chunkMask(Batch batch, int[] sequences, int start, int end) {
        int steps = 0;
        for (int sequence : sequences) {
            steps = Math.max(steps, Math.min(batch.length(sequence), end) - start);
        }
        Tensor mask = Tensor.zeros(sequences.length, steps);
        for (int row = 0; row < sequences.length; row++) {
            int length = Math.min(batch.length(sequences[row]), end) - start;
            for (int step = 0; step < length; step++) {
                mask.set(1, row, step);
            }
        }
        return mask;
    }

    /** Rows {@code sequences} and steps start … start + steps − 1 of a {@code [B, T, n]} tensor. */
    private static Tensor chunkOf(Tensor sequence, int[] sequences, int start, int steps) {
        int width = sequence.size(2);
        Tensor chunk = Tensor.zeros(sequences.length, steps, width);
        for (int row = 0; row < sequences.length; row++) {
            for (int step = 0; step < steps; step++) {
                for (int i = 0; i < width; i++) {
                    chunk.set(sequence.get(sequences[row], start + step, i), row, step, i);
                }
            }
        }
        return chunk;
    }

    /**
     * §4: DL4J's loss functions clamp probabilities in the score: {@code LossMCXENT} the softmax probabilities to
     * [ε, 1 − ε] (not in its gradient), {@code LossBinaryXENT} the sigmoid output (in its score and in its gradient,
     * dL/do = (ŷ − t) · y(1 − y) / (ŷ(1 − ŷ)) with ŷ the clamped y). The loss is the cross-entropy of the exact
     * outputs clamped; the sigmoid head's gradients are the exact gradients of shifted targets that give that error.
     */
    static Results clampedScore(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                                ExactComputation exact) {
        ForwardResult forward = exact.forward(spec, parameters, batch);
        boolean sigmoid = spec.head() == Head.LAST_STEP_SIGMOID;
        double epsilon = sigmoid ? Dl4jScoreClamping.SIGMOID_EPSILON : Dl4jScoreClamping.SOFTMAX_EPSILON;
        Tensor outputs = forward.outputs();
        Tensor shiftedTargets = batch.targets().copy();
        double summed = 0;
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            int length = batch.length(sequence);
            int first = spec.head().lastStepOnly() ? length - 1 : 0;
            for (int step = first; step < length; step++) {
                for (int k = 0; k < spec.outputSize(); k++) {
                    int[] at = spec.head().lastStepOnly() ? new int[] {sequence, k} : new int[] {sequence, step, k};
                    double target = batch.targets().get(at);
                    double y = outputs.get(at);
                    double clamped = Math.min(Math.max(y, epsilon), 1 - epsilon);
                    summed -= target * Math.log(clamped) + (sigmoid ? (1 - target) * Math.log1p(-clamped) : 0);
                    if (sigmoid && clamped != y) {
                        shiftedTargets.set(y - (clamped - target) * y * (1 - y) / (clamped * (1 - clamped)), at);
                    }
                }
            }
        }
        double loss = summed / spec.reduction().divisor(batch.batchSize(), batch.lossTerms(spec.head()));
        Batch gradientBatch = sigmoid ? new Batch(batch.inputs(), shiftedTargets, batch.mask(), batch.initialState(),
                batch.initialCellState()) : batch;
        GradientResult gradients = truncation == null ? exact.gradients(spec, parameters, gradientBatch)
                : exact.truncatedGradients(spec, parameters, gradientBatch, truncation);
        GradientResult clamped = new GradientResult(loss, gradients.parameterGradients(), gradients.inputGradients(),
                gradients.initialStateGradients(), gradients.hiddenStateGradients(), gradients.initialCellStateGradients());
        return new Results(truncation == null ? new ForwardResult(forward.hiddenStates(), outputs, loss,
                forward.cellStates()) : null, clamped);
    }

    /**
     * §5: ND4J's softmax of a C-ordered array without the row maximum subtracted gives NaN for a row of logits that
     * all underflow exp, and the loss and every gradient become NaN; h and y (DL4J's forward pass applies the softmax
     * to an F-ordered array) stay right.
     */
    static Results softmaxUnderflow(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                                    ExactComputation exact) {
        GradientResult gradients = truncation == null ? exact.gradients(spec, parameters, batch)
                : exact.truncatedGradients(spec, parameters, batch, truncation);
        Map<String, Tensor> notANumber = new LinkedHashMap<>();
        gradients.parameterGradients().byName().forEach((name, gradient) -> notANumber.put(name, filledWithNaN(gradient)));
        GradientResult nan = new GradientResult(Double.NaN, new Parameters(notANumber),
                gradients.inputGradients() == null ? null : filledWithNaN(gradients.inputGradients()),
                gradients.initialStateGradients(), gradients.hiddenStateGradients());
        if (truncation != null) {
            return new Results(null, nan);
        }
        ForwardResult forward = exact.forward(spec, parameters, batch);
        return new Results(new ForwardResult(forward.hiddenStates(), forward.outputs(), Double.NaN, forward.cellStates()),
                nan);
    }

    /**
     * §11: inside DL4J's {@code Bidirectional} wrapper the LSTMs never get the features mask, so every layer runs over
     * the whole padded sequence as if unmasked (the reverse direction starting at the padded end), while the output
     * layer's labels mask keeps the loss at the real loss steps. Predicted as the exact computation of the unmasked
     * batch under the per-step softmax head whose targets are the case's at its loss steps and the unmasked
     * outputs themselves elsewhere (an error y − y = 0: no loss gradient from those steps); the sigmoid head as a
     * softmax over (o, 0). The loss is the cross-entropy of the unmasked outputs at the real loss steps. A last-step
     * head's dL/dx has §1's zero labels at the unmasked steps before each sequence's last.
     */
    static Results unmaskedRecurrence(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                                      ExactComputation exact) {
        requireFullBptt(truncation, "DL4J runs no truncated BPTT through bidirectional layers");
        boolean sigmoid = spec.head() == Head.LAST_STEP_SIGMOID;
        ModelSpec perStep = perStepSoftmax(spec, LossReduction.SUM);
        int classes = perStep.outputSize();
        Parameters perStepParameters = perStepSoftmaxParameters(spec, parameters);
        int batchSize = batch.batchSize();
        int steps = batch.steps();
        Tensor placeholder = Tensor.zeros(batchSize, steps, classes);
        ForwardResult unmasked = exact.forward(perStep, perStepParameters, new Batch(batch.inputs(), placeholder, null,
                batch.initialState(), batch.initialCellState()));
        Tensor outputs = unmasked.outputs();
        Tensor targets = outputs.copy();
        Tensor headOutputs = spec.head().lastStepOnly() ? Tensor.zeros(batchSize, spec.outputSize()) : outputs;
        double summed = 0;
        for (int sequence = 0; sequence < batchSize; sequence++) {
            int length = batch.length(sequence);
            int first = spec.head().lastStepOnly() ? length - 1 : 0;
            for (int step = first; step < length; step++) {
                for (int k = 0; k < classes; k++) {
                    double target = sigmoid ? (k == 0 ? batch.targets().get(sequence, 0) : 1 - batch.targets().get(sequence, 0))
                            : spec.head().lastStepOnly() ? batch.targets().get(sequence, k) : batch.targets().get(sequence, step, k);
                    targets.set(target, sequence, step, k);
                    summed -= target == 0 ? 0 : target * Math.log(outputs.get(sequence, step, k));
                    if (spec.head().lastStepOnly() && k < spec.outputSize()) {
                        headOutputs.set(outputs.get(sequence, step, k), sequence, k);
                    }
                }
            }
        }
        double divisor = spec.reduction().divisor(batchSize, batch.lossTerms(spec.head()));
        GradientResult gradients = exact.gradients(perStep, perStepParameters, new Batch(batch.inputs(), targets, null,
                batch.initialState(), batch.initialCellState()));
        Map<String, Tensor> parameterGradients = new LinkedHashMap<>();
        for (ParameterDeclaration declaration : spec.parameters()) {
            Tensor gradient = gradients.parameterGradients().get(declaration.name());
            double[] values = Arrays.copyOf(gradient.data(), Tensor.zeros(declaration.shape()).length());
            for (int i = 0; i < values.length; i++) {
                values[i] /= divisor;
            }
            parameterGradients.put(declaration.name(), Tensor.of(values, declaration.shape()));
        }
        Tensor inputGradients = gradients.inputGradients();
        if (inputGradients != null && spec.head().lastStepOnly()) {
            // §1 as well: calculateGradients' dL/dx has a loss term at every unmasked step, against zero labels.
            Tensor zeroLabels = targets.copy();
            for (int sequence = 0; sequence < batchSize; sequence++) {
                for (int step = 0; step < batch.length(sequence) - 1; step++) {
                    for (int k = 0; k < classes; k++) {
                        zeroLabels.set(0, sequence, step, k);
                    }
                }
            }
            inputGradients = exact.gradients(perStep, perStepParameters, new Batch(batch.inputs(), zeroLabels, null,
                    batch.initialState(), batch.initialCellState())).inputGradients();
        }
        inputGradients = inputGradients == null ? null : inputGradients.copy();
        if (inputGradients != null) {
            double[] values = inputGradients.data();
            for (int i = 0; i < values.length; i++) {
                values[i] /= divisor;
            }
        }
        double loss = summed / divisor;
        return new Results(new ForwardResult(unmasked.hiddenStates(), headOutputs, loss, unmasked.cellStates()),
                new GradientResult(loss, new Parameters(parameterGradients), inputGradients, null, null));
    }

    /**
     * §9: SameDiff's {@code lstmLayer_bp} computes the gradients of the forward pass from c_{-1} = h_{-1}, driven by
     * the output errors of the true forward pass (from the given h_{-1} and c_{-1}).
     */
    static Results initialCellStateReplaced(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                                            ExactComputation exact) {
        requireFullBptt(truncation, "SameDiff offers no truncated BPTT");
        ForwardResult forward = exact.forward(spec, parameters, batch);
        GradientResult full = exact.gradients(spec, parameters, batch);
        Tensor initialState = batch.initialState() != null ? batch.initialState()
                : Tensor.zeros(Batch.stateShape(spec, batch.batchSize()));
        Batch replaced = new Batch(batch.inputs(), batch.targets(), batch.mask(), initialState, initialState);
        Tensor replacedOutputs = exact.forward(spec, parameters, replaced).outputs();
        Tensor targets = batch.targets().copy();
        double[] values = targets.data();
        if (spec.head().lastStepOnly()) {
            for (int i = 0; i < values.length; i++) {
                values[i] += replacedOutputs.data()[i] - forward.outputs().data()[i];
            }
        } else {
            for (int i = 0; i < values.length; i++) {
                int sequence = i / (batch.steps() * spec.outputSize());
                int step = i / spec.outputSize() % batch.steps();
                if (batch.active(sequence, step)) {
                    values[i] += replacedOutputs.data()[i] - forward.outputs().data()[i];
                }
            }
        }
        GradientResult recomputed = exact.gradients(spec, parameters, new Batch(batch.inputs(), targets, batch.mask(),
                initialState, initialState));
        Map<String, Tensor> gradients = new LinkedHashMap<>(recomputed.parameterGradients().byName());
        for (ParameterDeclaration declaration : spec.head().parameters(spec)) {
            gradients.put(declaration.name(), full.parameterGradients().get(declaration.name()));
        }
        return new Results(forward, new GradientResult(full.loss(), new Parameters(gradients),
                recomputed.inputGradients(), recomputed.initialStateGradients(), full.hiddenStateGradients(),
                recomputed.initialCellStateGradients()));
    }

    /**
     * The case's network under the per-step softmax head, reduced with {@code reduction}; a last-step sigmoid head as
     * a softmax over the two classes (o, 0), whose first probability is σ(o).
     */
    private static ModelSpec perStepSoftmax(ModelSpec spec, LossReduction reduction) {
        int classes = spec.head() == Head.LAST_STEP_SIGMOID ? 2 : spec.outputSize();
        return new ModelSpec(spec.cell(), spec.cellOptions(), spec.inputSize(), spec.hiddenSize(), classes,
                spec.activation(), Head.PER_STEP_SOFTMAX, spec.biases(), reduction, spec.dataType(), spec.topology());
    }

    /** The case's weights for {@link #perStepSoftmax}: a sigmoid head's V and c with the zero row of the class 0. */
    private static Parameters perStepSoftmaxParameters(ModelSpec spec, Parameters parameters) {
        if (spec.head() != Head.LAST_STEP_SIGMOID) {
            return parameters;
        }
        Parameters perStep = parameters.with(ParameterNames.V, withZeroRow(parameters.get(ParameterNames.V)));
        if (spec.biases()) {
            perStep = perStep.with(ParameterNames.C, Tensor.of(new double[] {parameters.get(ParameterNames.C).data()[0], 0}, 2));
        }
        return perStep;
    }

    private static void requireFullBptt(Truncation truncation, String why) {
        if (truncation != null) {
            throw new DocumentedLimitException(why);
        }
    }

    /** {@code [K, n]} with a row of zeros appended: {@code [K + 1, n]}. */
    private static Tensor withZeroRow(Tensor matrix) {
        double[] data = Arrays.copyOf(matrix.data(), matrix.data().length + matrix.size(1));
        return Tensor.of(data, matrix.size(0) + 1, matrix.size(1));
    }

    private static Tensor filledWithNaN(Tensor tensor) {
        double[] values = new double[tensor.length()];
        Arrays.fill(values, Double.NaN);
        return Tensor.of(values, tensor.shape());
    }

    /** Adds {@code more} into {@code sum} and returns it. */
    private static Tensor addTo(Tensor sum, Tensor more) {
        double[] values = sum.data();
        double[] added = more.data();
        for (int i = 0; i < values.length; i++) {
            values[i] += added[i];
        }
        return sum;
    }
}
