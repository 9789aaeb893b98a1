package org.bptt.dl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ParameterName;
import org.bptt.api.ParameterNames;
import org.bptt.api.Quantity;
import org.bptt.api.Truncation;
import org.bptt.api.WrongComputation;

/**
 * Where DL4J 1.0.0-M2.1, run by the {@link Dl4jRnnPlugin}s, is known to differ from the exact values (the reference
 * and finite differences agree with each other there). The evidence is in {@code dl4j-adapter/KNOWN_DIVERGENCES.md}
 * and the tests that reproduce it; these predicates let a harness classify the affected comparisons, and
 * {@link #explain} words them for {@link Dl4jRnnPlugin#knownDivergence}, saying for each whether it is a DL4J bug
 * or a difference of definition.
 *
 * <p>In the truncated predicates, "the longest sequence" is the batch's longest unmasked length (T without a mask):
 * DL4J's chunks past it carry no loss and add no gradient.
 */
public final class Dl4jKnownDivergences {

    /** Where the evidence is, as explanations cite it. */
    static final String EVIDENCE = "dl4j-adapter/KNOWN_DIVERGENCES.md";

    /** The gradients of the RnnOutputLayer's parameters: dL/dV, dL/dc. */
    private static final Set<Quantity> OUTPUT_LAYER_GRADIENTS = Set.of(Quantity.gradientOf(ParameterNames.V),
            Quantity.gradientOf(ParameterNames.C));

    private Dl4jKnownDivergences() {
    }

    /**
     * dL/dx is wrong for last-step heads whenever the batch's mask masks something (some sequence is shorter than
     * T): {@code MultiLayerNetwork.calculateGradients} passes the features mask where the labels mask belongs, so the
     * loss is taken at every unmasked step (against zero labels) instead of only the last. A mask of all ones is
     * handed to DL4J as no mask ({@link Dl4jBatch}) and is not affected. Loss and parameter gradients are not
     * affected (they come from {@code computeGradientAndScore}).
     */
    public static boolean inputGradientsDiverge(ModelSpec spec, Batch batch) {
        return spec.head().lastStepOnly() && batch.mask() != null && shortest(batch) < batch.steps();
    }

    /** {@link #inputGradientsDiverge(ModelSpec, Batch)} for a case. */
    public static boolean inputGradientsDiverge(Case testCase) {
        return inputGradientsDiverge(testCase.spec(), testCase.batch());
    }

    /**
     * Every quantity is wrong for a bidirectional network of {@code LSTM} or {@code GravesLSTM} layers whenever the
     * mask masks something (some sequence is shorter than T): {@code MultiLayerNetwork} hands the features mask to
     * each layer through {@code feedForwardMaskArray}, and {@code LSTM.feedForwardMaskArray} and
     * {@code GravesLSTM.feedForwardMaskArray} return it without storing it (unlike every other layer, which keeps it
     * in {@code maskArray}), so the {@code Bidirectional} wrapper's two LSTMs run unmasked. The reverse direction then
     * starts at the padded end and reads the padding as data. A forward LSTM network is not affected: its padding
     * comes after every real step and no loss term reads it. {@code SimpleRnn} keeps its mask, and so does
     * {@code GravesBidirectionalLSTM} (a summed GravesLSTM network), which stores the mask itself.
     */
    public static boolean bidirectionalLstmReadsThePadding(Dl4jRecurrentLayer recurrentLayer, ModelSpec spec, Batch batch) {
        return recurrentLayer != Dl4jRecurrentLayer.SIMPLE_RNN && spec.bidirectional()
                && !Dl4jStackedNetwork.gravesBidirectional(recurrentLayer, spec.topology().combine())
                && batch.mask() != null && shortest(batch) < batch.steps();
    }

    /**
     * The top layer's reverse-direction gradients are wrong for a one-layer bidirectional {@code LSTM} network in
     * {@code LastTimeStep} whenever the mask shortens a sequence: {@code LSTM.backpropGradient} calls
     * {@code LSTMHelpers.backpropGradientHelper} with a null mask, so the reverse direction's error reaches the
     * padded steps, which it reads before the sequence (GravesLSTM passes its mask). With more layers §11's
     * predicate already covers everything.
     */
    static boolean lstmBackpropLeaksIntoThePadding(Dl4jRecurrentLayer recurrentLayer, ModelSpec spec, Batch batch) {
        return recurrentLayer == Dl4jRecurrentLayer.LSTM && spec.bidirectional() && spec.layers() == 1
                && batch.mask() != null && shortest(batch) < batch.steps();
    }

    /** True when {@code quantity} is the gradient of a parameter of the top layer's reverse direction. */
    private static boolean isTopReverseGradient(ModelSpec spec, Quantity quantity) {
        for (ParameterDeclaration declaration : spec.parameters()) {
            ParameterName name = ParameterName.parse(declaration.name());
            if (name.reverse() && name.layer() == spec.layers() - 1 && quantity.equals(Quantity.gradientOf(declaration.name()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * DL4J's truncated gradients of the recurrent layer (dL/dU, dL/dW, dL/db of SimpleRnn; every gate's of the
     * LSTMs) may differ from {@link Truncation}'s definition whenever the truncation cuts anything (longest
     * sequence &gt; min(k1, k2)), for three reasons: the recurrent layer's gradient of every chunk after the first is
     * computed on states recomputed from zero instead of the carried state (a bug,
     * {@link #laterChunksLoseTheCarriedState}); {@code tbpttBackLength} (k2) has no effect
     * ({@link #backwardLengthIgnored}, a difference of definition); and DL4J never backpropagates past the start of
     * a chunk (where the definition reaches k2 steps back, for a last chunk shorter than k2 or for k2 &gt; k1:
     * {@link #chunkStartStopsBackpropagation}, a difference of definition). When nothing is cut DL4J's result is
     * full BPTT, as it should be.
     */
    public static boolean truncatedRecurrentGradientsDiverge(Batch batch, Truncation truncation) {
        return longest(batch) > Math.min(truncation.forwardLength(), truncation.backwardLength());
    }

    /**
     * DL4J's truncated gradients dL/dV and dL/dc (the output layer's) also differ when losses should be dropped:
     * a per-step head with k2 &lt; min(k1, longest sequence). DL4J ignores k2, so it keeps the losses of each
     * chunk's first k1 − k2 steps. For last-step heads the only loss term is the last step, which no chunk drops.
     */
    public static boolean truncatedOutputGradientsDiverge(ModelSpec spec, Batch batch, Truncation truncation) {
        return !spec.head().lastStepOnly() && backwardLengthIgnored(batch, truncation);
    }

    /**
     * The bug: some sequence has a chunk after the first (longest sequence &gt; k1), and the recurrent layer's
     * backprop recomputes such a chunk's states from zero ({@code SimpleRnn.tbpttBackpropGradient} from h = 0;
     * {@code LSTM} and {@code GravesLSTM.backpropGradient}, which {@code MultiLayerNetwork.computeGradientAndScore}
     * calls instead of their {@code tbpttBackpropGradient}, from h = c = 0).
     */
    static boolean laterChunksLoseTheCarriedState(Batch batch, Truncation truncation) {
        return longest(batch) > truncation.forwardLength();
    }

    /** The definition's k2 window is shorter than some chunk (k2 &lt; min(k1, longest sequence)), and DL4J ignores k2. */
    static boolean backwardLengthIgnored(Batch batch, Truncation truncation) {
        return truncation.backwardLength() < Math.min(truncation.forwardLength(), longest(batch));
    }

    /**
     * The definition's k2 window reaches before the start of some chunk after the first: k2 &gt; k1, or a
     * sequence's last chunk (by its own length) is shorter than k2. DL4J stops every chunk's backpropagation at its
     * start.
     */
    static boolean chunkStartStopsBackpropagation(Batch batch, Truncation truncation) {
        int k1 = truncation.forwardLength();
        int k2 = truncation.backwardLength();
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            int length = batch.length(sequence);
            if (length <= k1) {
                continue; // one chunk: it starts at step 0, before which there is nothing
            }
            int lastChunkLength = length - k1 * ((length - 1) / k1);
            if (k2 > k1 || lastChunkLength < k2) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why DL4J's {@code quantity} differs from the exact value on this batch, when it is a documented divergence:
     * the model of DL4J's computation ({@link Dl4jBugModels}), described in one or two sentences naming the DL4J
     * method, saying whether it is a bug or a difference of definition, and where the evidence is; empty otherwise.
     *
     * @param recurrentLayer the DL4J layer computing the recurrence
     * @param lastTimeStep   true when the top layer sits in DL4J's {@code LastTimeStep} ({@link Dl4jLastTimeStep}),
     *                       whose {@code setMaskArray} hands the top layer its mask: then §11 reaches the outputs,
     *                       loss and gradients only through a lower bidirectional layer, and the hidden states (read
     *                       from the network without the wrapper) always
     * @param truncation     the truncation of a truncated-BPTT comparison, or null for full BPTT
     * @param quantity       the compared quantity ({@code dL/dx}, {@code dL/dU}, {@code dL/dW_f}, ...)
     */
    static Optional<WrongComputation> explain(Dl4jRecurrentLayer recurrentLayer, boolean lastTimeStep, ModelSpec spec,
                                              Batch batch, Truncation truncation, Quantity quantity) {
        if (bidirectionalLstmReadsThePadding(recurrentLayer, spec, batch)
                && (!lastTimeStep || spec.layers() > 1 || quantity.equals(Quantity.HIDDEN_STATES))) {
            String description = "DL4J bug: " + recurrentLayer.dl4jName() + ".feedForwardMaskArray drops the features"
                    + " mask that MultiLayerNetwork hands it, so inside the Bidirectional wrapper the reverse direction"
                    + " of a sequence shorter than T starts at the padded end and reads the padding as data, and every"
                    + " quantity of the network follows (SimpleRnn keeps its mask). Finite differences side with the"
                    + " reference: " + EVIDENCE + " §11.";
            // Under LastTimeStep the top layer gets its mask back (and leaks into the padding, below).
            return Optional.of(Dl4jBugModels.model(description, lastTimeStep ? Dl4jLastTimeStepLstmModel::predict
                    : Dl4jBugModels::unmaskedRecurrence));
        }
        if (lastTimeStep && lstmBackpropLeaksIntoThePadding(recurrentLayer, spec, batch) && isTopReverseGradient(spec, quantity)) {
            return Optional.of(Dl4jBugModels.model("DL4J bug: LSTM.backpropGradient passes no mask to LSTMHelpers.backpropGradientHelper, so"
                    + " in the reverse direction, which reads the padding first, the error flows on from a sequence's"
                    + " first step into the padded steps before it and adds their input and bias terms to the gradients"
                    + " of the input, cell-candidate and output gates (the forward pass is right: LastTimeStep hands the"
                    + " layer its mask). Finite differences side with the reference: " + EVIDENCE + " §11.",
                    Dl4jLastTimeStepLstmModel::predict));
        }
        if (givenInitialState(batch) && spec.topology().single() && (isCellGradient(spec, quantity)
                || (truncation == null && quantity.equals(Quantity.INPUT_GRADIENTS)))) {
            return Optional.of(Dl4jBugModels.model("DL4J bug: a given h_{-1} (and c_{-1}) reaches DL4J only as the"
                    + " recurrent layer's stored state, which its forward pass reads and its backward pass does not: "
                    + recurrentLayer.dl4jName() + "'s gradient recomputes the states from zero (driven by the output"
                    + " errors of the forward pass from the given state), and calculateGradients' dL/dx is that of"
                    + " the forward pass from zero. The loss and the output layer's gradients are right. Finite"
                    + " differences side with the reference: " + EVIDENCE + " §3, §7.",
                    truncation == null ? Dl4jBugModels::givenInitialState : Dl4jBugModels::truncatedChunks));
        }
        if (truncation == null) {
            if (quantity.equals(Quantity.INPUT_GRADIENTS) && inputGradientsDiverge(spec, batch)) {
                return Optional.of(Dl4jBugModels.model("DL4J bug: MultiLayerNetwork.calculateGradients (the only DL4J"
                        + " call returning dL/dx) passes the features mask where the labels mask belongs, so with a mask"
                        + " a last-step head gets a loss term at every unmasked step, against zero labels before the"
                        + " last; the loss and parameter gradients are right. Finite differences side with the"
                        + " reference: " + EVIDENCE + " §1.", Dl4jBugModels::featuresMaskAsLabelsMask));
            }
            return Optional.empty();
        }
        String lengths = String.format(Locale.ROOT, "k1 = %d, k2 = %d", truncation.forwardLength(),
                truncation.backwardLength());
        if (isCellGradient(spec, quantity)) {
            return truncatedCauses(batch, truncation).map(causes -> truncatedModel(
                    truncatedExplanation(recurrentLayer), lengths + ": " + causes));
        }
        if (OUTPUT_LAYER_GRADIENTS.contains(quantity) && truncatedOutputGradientsDiverge(spec, batch, truncation)) {
            return Optional.of(truncatedModel("Difference of definition, not a bug: DL4J ignores tbpttBackLength"
                    + " (k2 < k1) and keeps the losses of each chunk's first k1 − k2 steps, which BPTT(k1, k2) drops;"
                    + " the output layer's gradient is otherwise exact. " + EVIDENCE + " §2a.", ""));
        }
        return Optional.empty();
    }

    /**
     * DL4J's truncated BPTT ({@link Dl4jBugModels#truncatedChunks}), explained by {@code description}, with what
     * this case adds to it.
     */
    private static WrongComputation truncatedModel(String description, String caseDetail) {
        return Dl4jBugModels.model(description, caseDetail, Dl4jBugModels::truncatedChunks);
    }

    /** True when the batch gives a non-zero h_{-1} or c_{-1}. */
    static boolean givenInitialState(Batch batch) {
        return (batch.initialState() != null && batch.initialState().norm() > 0)
                || (batch.initialCellState() != null && batch.initialCellState().norm() > 0);
    }

    /**
     * True when {@code quantity} is the gradient of one of the cells' parameters (a recurrent layer's, of any layer
     * and direction).
     */
    private static boolean isCellGradient(ModelSpec spec, Quantity quantity) {
        for (ParameterDeclaration declaration : spec.parameters()) {
            if (!ParameterName.parse(declaration.name()).head() && quantity.equals(Quantity.gradientOf(declaration.name()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why DL4J's truncated gradients of the recurrent layer differ, the same text for every case; which of its
     * parts apply to a case ({@link #truncatedCauses}) is the case's detail.
     */
    private static String truncatedExplanation(Dl4jRecurrentLayer recurrentLayer) {
        String recomputation = recurrentLayer == Dl4jRecurrentLayer.SIMPLE_RNN
                ? "DL4J bug: SimpleRnn.tbpttBackpropGradient recomputes the hidden states of every chunk after the"
                        + " first from h = 0 instead of the carried state (§2c)"
                : "DL4J bug: MultiLayerNetwork.computeGradientAndScore backpropagates through "
                        + recurrentLayer.dl4jName() + ".backpropGradient, which recomputes the states of every chunk"
                        + " after the first from h = c = 0 instead of the carried state (§2c, §7)";
        return "DL4J's truncated BPTT is not BPTT(k1, k2): " + recomputation + "; and, as differences of definition,"
                + " DL4J ignores tbpttBackLength and backpropagates every loss of a chunk through the whole chunk of up"
                + " to k1 steps (§2a), and never backpropagates past a chunk's start, where BPTT(k1, k2) reaches k2"
                + " steps back from the chunk's end (§2b). Which of these a case meets depends on k1, k2 and its"
                + " lengths. Evidence: " + EVIDENCE + ".";
    }

    /** The parts of {@link #truncatedExplanation} that apply to this batch and truncation, bug first, or empty. */
    private static Optional<String> truncatedCauses(Batch batch, Truncation truncation) {
        List<String> causes = new ArrayList<>();
        if (laterChunksLoseTheCarriedState(batch, truncation)) {
            causes.add("§2c");
        }
        if (backwardLengthIgnored(batch, truncation)) {
            causes.add("§2a");
        }
        if (chunkStartStopsBackpropagation(batch, truncation)) {
            causes.add("§2b");
        }
        return causes.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", causes));
    }

    /** The shortest unmasked sequence length. */
    private static int shortest(Batch batch) {
        int shortest = batch.steps();
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            shortest = Math.min(shortest, batch.length(sequence));
        }
        return shortest;
    }

    /** The longest unmasked sequence length. */
    private static int longest(Batch batch) {
        int longest = 0;
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            longest = Math.max(longest, batch.length(sequence));
        }
        return longest;
    }
}
