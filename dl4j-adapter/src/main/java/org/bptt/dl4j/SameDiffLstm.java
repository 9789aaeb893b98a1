package org.bptt.dl4j;

import java.util.Map;
import java.util.Optional;

import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.bptt.api.WrongComputation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMActivations;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDataFormat;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMDirectionMode;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.config.LSTMLayerConfig;
import org.nd4j.linalg.api.ops.impl.layers.recurrent.weights.LSTMLayerWeights;

/**
 * The plugin {@value #ID}: SameDiff's {@code lstmLayer} operation ({@code sd.rnn().lstmLayer}, backward op
 * {@code lstmLayer_bp}), the LSTM with or without peepholes, one bias per gate (a two-bias model is packed with the
 * sum of its biases, which is all the cell sees), a given h_{-1} and c_{-1} and their gradients (layout in
 * {@link SameDiffPacking}).
 *
 * <p>Its {@link LSTMLayerConfig}: data format {@code NTS} ({@code [B, T, d]}, the harness's own), direction
 * {@code FWD}, gate activation sigmoid, cell and output activations tanh, no cell clipping ({@code cellClip} 0),
 * only the full sequence of h returned. Without biases the bias input holds zeros, as for {@code gru}: adding zero
 * is exact, and its gradient is dropped.
 *
 * <p>Known divergence (KNOWN_DIVERGENCES.md §9, an ND4J bug): {@code lstmLayer_bp} computes its gradients on the
 * forward pass from c_{-1} = h_{-1}, the given c_{-1} replaced by h_{-1}, so the cell's gradients, dL/dx,
 * dL/dh_{-1} and dL/dc_{-1} are wrong whenever h_{-1} ≠ c_{-1}. (The forward op reads both states correctly.)
 */
public final class SameDiffLstm extends SameDiffRnnPlugin {

    /** The plugin id. */
    public static final String ID = "samediff-lstm";

    public SameDiffLstm() {
        super(ID, "lstmLayer", withCommonCapabilities(Capability.LSTM, Capability.LSTM_PEEPHOLES, Capability.TWO_BIASES,
                Capability.INITIAL_CELL_STATE, Capability.INITIAL_CELL_STATE_GRADIENTS));
    }

    /** The configuration of {@code lstmLayer} for the API's LSTM, returning the listed outputs. */
    static LSTMLayerConfig configuration(boolean lastHidden, boolean lastCell) {
        return LSTMLayerConfig.builder()
                .lstmdataformat(LSTMDataFormat.NTS)
                .directionMode(LSTMDirectionMode.FWD)
                .gateAct(LSTMActivations.SIGMOID)
                .cellAct(LSTMActivations.TANH)
                .outAct(LSTMActivations.TANH)
                .retFullSequence(true)
                .retLastH(lastHidden)
                .retLastC(lastCell)
                .cellClip(0)
                .build();
    }

    @Override
    SDVariable hiddenStates(SameDiff sd, ModelSpec spec, Map<String, SDVariable> variables) {
        LSTMLayerWeights.LSTMLayerWeightsBuilder weights = LSTMLayerWeights.builder()
                .weights(variables.get(INPUT_WEIGHTS))
                .rWeights(variables.get(RECURRENT_WEIGHTS))
                .bias(variables.get(BIAS));
        if (spec.cellOptions().peepholes()) {
            weights.peepholeWeights(variables.get(PEEPHOLES));
        }
        // The arguments named cLast and yLast reach the forward op as its inputs hI (the initial output h) and cI
        // (the initial cell state), in that order (LSTMLayerWeights.argsWithInputs; KNOWN_DIVERGENCES.md §9): the
        // initial h goes where the Java API says "cLast".
        SDVariable[] outputs = sd.rnn().lstmLayer(variables.get(INPUTS), variables.get(INITIAL_STATE),
                variables.get(INITIAL_CELL_STATE), null, weights.build(), configuration(false, false));
        return outputs[0];
    }

    @Override
    public Optional<WrongComputation> knownDivergence(ModelSpec spec, Parameters parameters, Batch batch,
                                                      Truncation truncation, Quantity quantity) {
        if (!fromBackwardOp(spec, quantity) || !initialStatesDiffer(batch)) {
            return Optional.empty();
        }
        return Optional.of(Dl4jBugModels.model("ND4J bug: SameDiff's lstmLayer_bp computes the gradients of the"
                + " forward pass from c_{-1} = h_{-1} (the given c_{-1} replaced by h_{-1}), wrong whenever"
                + " h_{-1} ≠ c_{-1}; finite differences side with the reference (dl4j-adapter KNOWN_DIVERGENCES.md §9)",
                Dl4jBugModels::initialCellStateReplaced));
    }

    /** True when h_{-1} ≠ c_{-1}, an absent state being zero. */
    static boolean initialStatesDiffer(Batch batch) {
        Tensor hidden = batch.initialState();
        Tensor cell = batch.initialCellState();
        for (int i = 0; i < batch.batchSize() * (hidden != null ? hidden.size(1) : cell != null ? cell.size(1) : 0); i++) {
            double h = hidden != null ? hidden.data()[i] : 0;
            double c = cell != null ? cell.data()[i] : 0;
            if (h != c) {
                return true;
            }
        }
        return false;
    }
}
