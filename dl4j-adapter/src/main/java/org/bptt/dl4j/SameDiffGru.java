package org.bptt.dl4j;

import java.util.Map;
import java.util.Optional;

import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Quantity;
import org.bptt.api.Truncation;
import org.bptt.api.WrongComputation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The plugin {@value #ID}: SameDiff's {@code gru} operation ({@code sd.rnn().gru}, backward op {@code gru_bp}), the
 * GRU with its reset gate after the recurrent product and one bias per gate (layout in {@link SameDiffPacking}).
 * Reset-before and two-bias GRUs are skipped by capability. The operation takes its inputs time first,
 * {@code [T, B, d]}, and returns {@code [T, B, H]}: the graph permutes on both sides. Everything else is
 * {@link SameDiffRnnPlugin}'s.
 *
 * <p>Known divergence (KNOWN_DIVERGENCES.md §8, an ND4J bug): {@code gru_bp} gets the reset gate's error wrong
 * wherever h_{t-1} ≠ 0, so the cell's gradients, dL/dx and dL/dh_{-1} are wrong as soon as a step with a non-zero
 * previous state reaches the loss: some sequence of two steps or more, or a given non-zero h_{-1}. Its model is
 * {@link SameDiffGruResetGate}.
 */
public final class SameDiffGru extends SameDiffRnnPlugin {

    /** The plugin id. */
    public static final String ID = "samediff-gru";

    public SameDiffGru() {
        super(ID, "gru", withCommonCapabilities(Capability.GRU_RESET_AFTER));
    }

    @Override
    SDVariable hiddenStates(SameDiff sd, ModelSpec spec, Map<String, SDVariable> variables) {
        SDVariable timeFirst = variables.get(INPUTS).permute(1, 0, 2);
        SDVariable hidden = sd.rnn().gru(timeFirst, variables.get(INITIAL_STATE), variables.get(INPUT_WEIGHTS),
                variables.get(RECURRENT_WEIGHTS), variables.get(BIAS));
        return hidden.permute(1, 0, 2);
    }

    @Override
    public Optional<WrongComputation> knownDivergence(ModelSpec spec, Parameters parameters, Batch batch,
                                                      Truncation truncation, Quantity quantity) {
        if (!fromBackwardOp(spec, quantity) || !someStepSeesANonZeroPreviousState(batch)) {
            return Optional.empty();
        }
        // No " (dL/" in the text: the console summary cuts an explanation there (the case's own detail follows).
        return Optional.of(Dl4jBugModels.model("ND4J bug: SameDiff's gru_bp (libnd4j gruCellBp) computes the reset gate's error as"
                + " dL/dz_c ⊙ h_{t-1} ⊙ r(1 − r) times W_hcᵀ, the derivative of neither reset placement, so every"
                + " gradient through a step with h_{t-1} ≠ 0 is wrong; finite differences side with the reference"
                + " (dl4j-adapter KNOWN_DIVERGENCES.md §8)", SameDiffGruResetGate::predict));
    }

    /** True when some step whose state reaches the loss starts from a non-zero h_{t-1}. */
    static boolean someStepSeesANonZeroPreviousState(Batch batch) {
        if (batch.initialState() != null && batch.initialState().norm() > 0) {
            return true;
        }
        for (int sequence = 0; sequence < batch.batchSize(); sequence++) {
            if (batch.length(sequence) >= 2) {
                return true;
            }
        }
        return false;
    }
}
