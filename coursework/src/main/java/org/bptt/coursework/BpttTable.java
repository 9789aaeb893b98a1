package org.bptt.coursework;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bptt.api.Case;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;
import org.bptt.reference.GradientDecomposition;
import org.bptt.reference.LagContribution;
import org.bptt.reference.NaiveBptt;

/**
 * The BPTT table of one sequence: for every loss term J(t) and every step k ≤ t, the contribution
 * ∂J(t)/∂θ|_(k) of step k's use of θ, with
 * <pre>
 *   dL/dθ = Σ_t Σ_{k ≤ t} ∂J(t)/∂θ|_(k)            (every J already divided by the reduction's divisor)
 *   ∂J(t)/∂W|_(k) = (f'(a_k) ⊙ ∂J(t)/∂h_k) h_{k-1}ᵀ,  ∂J(t)/∂h_{k-1} = Wᵀ (f'(a_k) ⊙ ∂J(t)/∂h_k)
 * </pre>
 * (for the Elman cell; a gated cell's step-backprop has one such term per gate), and the norms of those
 * contributions grouped by the lag t − k, where vanishing gradients show. The contributions come from the
 * reference's {@link NaiveBptt#decompose}, the O(T²) BPTT that backpropagates each term on its own.
 *
 * <p>Summed over t, the same contributions give the table of the aggregated O(T) sweep, one row per step k
 * ({@link #steps}): the gradient of the state arriving at step k from the right (from the steps after k) and each
 * parameter's contribution Σ_t ∂J(t)/∂θ|_(k).
 *
 * @param rows  the contributions, by t increasing then k decreasing
 * @param lags  one entry per lag 0 … T−1
 * @param steps one entry per step, k from T−1 down to 0, in the order the aggregated sweep visits them
 */
public record BpttTable(List<Row> rows, List<LagNorms> lags, List<StepRow> steps) {

    /**
     * One contribution.
     *
     * @param lossStep            t
     * @param step                k
     * @param hiddenStateGradient ∂J(t)/∂h_k, what reaches h_k from the term t − k steps later
     * @param gradients           ∂J(t)/∂θ|_(k) for every parameter the model has (no biases without biases)
     */
    public record Row(int lossStep, int step, Tensor hiddenStateGradient, Parameters gradients) {
        public int lag() {
            return lossStep - step;
        }
    }

    /**
     * The size of the contributions at one lag ℓ = t − k. The recurrent weights are W for the Elman cell and every
     * W_* of a gated cell taken together (one Frobenius norm over all their elements); the input weights likewise U
     * and every U_*.
     *
     * @param lag                  ℓ
     * @param terms                how many (t, k) pairs have this lag
     * @param normOfSumRecurrent   ‖Σ_{t−k=ℓ} ∂J(t)/∂W|_(k)‖ (Frobenius)
     * @param largestNormRecurrent max over those pairs of ‖∂J(t)/∂W|_(k)‖
     * @param normOfSumInput       ‖Σ_{t−k=ℓ} ∂J(t)/∂U|_(k)‖
     */
    public record LagNorms(int lag, int terms, double normOfSumRecurrent, double largestNormRecurrent, double normOfSumInput) {
    }

    /**
     * One step of the aggregated sweep.
     *
     * @param step                 k
     * @param hiddenFromTheRight   Σ_{t > k} ∂J(t)/∂h_k: what reaches h_k through h_{k+1} (zero at the last step),
     *                             from the reference's decomposition
     * @param directHidden         ∂J(k)/∂h_k = Vᵀ ō_k, what h_k receives from its own loss term (zero without one)
     * @param cellFromTheRight     for an LSTM, ∂L/∂c_k through the steps after k (f_{k+1} ⊙ c_k and the
     *                             peepholes p_i, p_f of step k + 1), from the tape; null for the other cells
     * @param contributions        Σ_t ∂J(t)/∂θ|_(k) for every parameter
     */
    public record StepRow(int step, double[][] hiddenFromTheRight, double[][] directHidden, double[][] cellFromTheRight,
                          Parameters contributions) {
    }

    /** The table of the tape's sequence (its case's only one). */
    public static BpttTable of(Tape tape) {
        Case source = tape.source();
        GradientDecomposition decomposition = NaiveBptt.decompose(source.spec(), source.parameters(), source.batch(), 0);
        List<Row> rows = new ArrayList<>();
        for (LagContribution contribution : decomposition.contributions()) {
            rows.add(new Row(contribution.lossStep(), contribution.step(), contribution.hiddenStateGradient(),
                    contribution.parameterGradients()));
        }
        List<String> recurrent = parametersShaped(source, "H", "H");
        List<String> input = parametersShaped(source, "H", "d");
        int length = decomposition.length();
        List<LagNorms> lags = new ArrayList<>();
        for (int lag = 0; lag < length; lag++) {
            Parameters sum = null;
            double largest = 0;
            int terms = 0;
            for (Row row : rows) {
                if (row.lag() == lag) {
                    terms++;
                    sum = sum == null ? row.gradients().copy() : addInto(sum, row.gradients());
                    largest = Math.max(largest, norm(row.gradients(), recurrent));
                }
            }
            if (terms > 0) {
                lags.add(new LagNorms(lag, terms, norm(sum, recurrent), largest, norm(sum, input)));
            }
        }
        List<StepRow> steps = new ArrayList<>();
        for (int k = length - 1; k >= 0; k--) {
            Parameters contributions = null;
            Tensor fromTheRight = Tensor.zeros(source.spec().hiddenSize());
            for (Row row : rows) {
                if (row.step() == k) {
                    contributions = contributions == null ? row.gradients().copy() : addInto(contributions, row.gradients());
                    if (row.lossStep() > k) {
                        addInto(fromTheRight, row.hiddenStateGradient());
                    }
                }
            }
            steps.add(new StepRow(k, SmallMatrices.of(fromTheRight), tape.directHiddenGradient(k),
                    source.spec().cell().hasCellState() ? tape.gradientFromTheRight(Tape.cName(k), k) : null, contributions));
        }
        return new BpttTable(List.copyOf(rows), List.copyOf(lags), List.copyOf(steps));
    }

    /** Σ over every row of the parameter's contribution: dL/dθ. Null for a parameter the model does not have. */
    public Tensor sum(String parameter) {
        Tensor total = null;
        for (Row row : rows) {
            Tensor term = row.gradients().get(parameter);
            if (term == null) {
                return null;
            }
            if (total == null) {
                total = Tensor.zeros(term.shape());
            }
            addInto(total, term);
        }
        return total;
    }

    /** The names of the cell's parameters of dimensions {@code rows × columns} ("H", "H": the recurrent weights). */
    static List<String> parametersShaped(Case source, String rows, String columns) {
        List<String> names = new ArrayList<>();
        for (ParameterDeclaration declaration : source.spec().cell().parameters(source.spec())) {
            if (declaration.dimensions().equals(List.of(rows, columns))) {
                names.add(declaration.name());
            }
        }
        return names;
    }

    /** The Frobenius norm of the named tensors taken together (one tensor: its own norm). */
    static double norm(Parameters gradients, List<String> names) {
        if (names.size() == 1) {
            return gradients.get(names.get(0)).norm();
        }
        double squares = 0;
        for (String name : names) {
            double norm = gradients.get(name).norm();
            squares += norm * norm;
        }
        return Math.sqrt(squares);
    }

    /** Modified: sum (returned). Not modified: terms. */
    private static Parameters addInto(Parameters sum, Parameters terms) {
        for (Map.Entry<String, Tensor> term : terms.byName().entrySet()) {
            addInto(sum.get(term.getKey()), term.getValue());
        }
        return sum;
    }

    /** Modified: sum. Not modified: term. */
    private static void addInto(Tensor sum, Tensor term) {
        for (int i = 0; i < sum.length(); i++) {
            sum.data()[i] += term.data()[i];
        }
    }
}
