package org.bptt.reference.mistakes;

import static org.bptt.api.ParameterNames.B_F;
import static org.bptt.api.ParameterNames.B_HF;
import static org.bptt.api.ParameterNames.B_HI;
import static org.bptt.api.ParameterNames.B_HR;
import static org.bptt.api.ParameterNames.B_HZ;
import static org.bptt.api.ParameterNames.B_I;
import static org.bptt.api.ParameterNames.B_R;
import static org.bptt.api.ParameterNames.B_Z;
import static org.bptt.api.ParameterNames.P_F;
import static org.bptt.api.ParameterNames.P_I;
import static org.bptt.api.ParameterNames.U_F;
import static org.bptt.api.ParameterNames.U_I;
import static org.bptt.api.ParameterNames.U_R;
import static org.bptt.api.ParameterNames.U_Z;
import static org.bptt.api.ParameterNames.W_F;
import static org.bptt.api.ParameterNames.W_I;
import static org.bptt.api.ParameterNames.W_R;
import static org.bptt.api.ParameterNames.W_Z;

import java.util.List;
import org.bptt.api.Cell;

/**
 * Classic mistakes in implementing a GRU or an LSTM that are the exact computation of another parametrisation or
 * cell option, so that the exact computation itself predicts them ({@link GatedMistakeModel}): a student who reads
 * one gate's weights for another computes the exact network of the swapped weights, and reports its gradients under
 * the names they were read by.
 */
public enum GatedMistake {

    GATES_SWAPPED("gates-swapped",
            "two gates' weights read in each other's place (the GRU's r and z, the LSTM's i and f)",
            "the tape's gate pre-activations a_{r,t}, a_{z,t} (GRU) or a_{i,t}, a_{f,t} (LSTM)",
            "https://github.com/NX-AI/xlstm/issues/98"),
    UPDATE_GATE_CONVENTION("gru-update-gate-convention",
            "the GRU's h_t = z_t ⊙ n_t + (1 − z_t) ⊙ h_{t−1} where the spec has (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}",
            "the tape's h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}",
            "https://github.com/pytorch/pytorch/issues/20129"),
    RESET_ON_WRONG_SIDE("gru-reset-on-wrong-side",
            "the GRU's reset gate on the other side of the recurrent product (W_n (r_t ⊙ h_{t−1}) and r_t ⊙ (W_n h_{t−1}) confused)",
            "the tape's candidate pre-activation a_{n,t}",
            "https://github.com/pytorch/pytorch/issues/8153");

    /** The pairs of parameters whose roles {@link #GATES_SWAPPED} exchanges, by cell. */
    static final List<String[]> GRU_SWAPPED = List.of(new String[] {U_R, U_Z}, new String[] {W_R, W_Z},
            new String[] {B_R, B_Z}, new String[] {B_HR, B_HZ});
    static final List<String[]> LSTM_SWAPPED = List.of(new String[] {U_I, U_F}, new String[] {W_I, W_F},
            new String[] {B_I, B_F}, new String[] {B_HI, B_HF}, new String[] {P_I, P_F});

    private final String id;
    private final String description;
    private final String entersAt;
    private final String source;

    GatedMistake(String id, String description, String entersAt, String source) {
        this.id = id;
        this.description = description;
        this.entersAt = entersAt;
        this.source = source;
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    public String entersAt() {
        return entersAt;
    }

    public String source() {
        return source;
    }

    /** Whether the mistake can be made in {@code cell}. */
    boolean appliesTo(Cell cell) {
        return cell == Cell.GRU || (this == GATES_SWAPPED && cell == Cell.LSTM);
    }
}
