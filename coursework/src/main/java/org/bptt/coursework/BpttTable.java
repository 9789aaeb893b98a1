package org.bptt.coursework;

import java.util.ArrayList;
import java.util.List;
import org.bptt.api.Case;
import org.bptt.api.ParameterNames;
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
 * and the norms of those contributions grouped by the lag t − k, where vanishing gradients show. The contributions
 * come from the reference's {@link NaiveBptt#decompose}, the O(T²) BPTT that backpropagates each term on its own.
 *
 * @param rows the contributions, by t increasing then k decreasing
 * @param lags one entry per lag 0 … T−1
 */
public record BpttTable(List<Row> rows, List<LagNorms> lags) {

    /**
     * One contribution.
     *
     * @param lossStep t
     * @param step     k
     * @param gradients ∂J(t)/∂θ|_(k) for every parameter the model has (no b and c without biases)
     */
    public record Row(int lossStep, int step, Parameters gradients) {
        public int lag() {
            return lossStep - step;
        }
    }

    /**
     * The size of the contributions at one lag ℓ = t − k.
     *
     * @param lag           ℓ
     * @param terms         how many (t, k) pairs have this lag
     * @param normOfSumW    ‖Σ_{t−k=ℓ} ∂J(t)/∂W|_(k)‖ (Frobenius)
     * @param largestNormW  max over those pairs of ‖∂J(t)/∂W|_(k)‖
     * @param normOfSumU    ‖Σ_{t−k=ℓ} ∂J(t)/∂U|_(k)‖
     */
    public record LagNorms(int lag, int terms, double normOfSumW, double largestNormW, double normOfSumU) {
    }

    /** The table of the case's only sequence. */
    public static BpttTable of(Case source) {
        GradientDecomposition decomposition = NaiveBptt.decompose(source.spec(), source.parameters(), source.batch(), 0);
        List<Row> rows = new ArrayList<>();
        for (LagContribution contribution : decomposition.contributions()) {
            rows.add(new Row(contribution.lossStep(), contribution.step(), contribution.parameterGradients()));
        }
        int steps = decomposition.length();
        List<LagNorms> lags = new ArrayList<>();
        for (int lag = 0; lag < steps; lag++) {
            Tensor sumW = Tensor.zeros(source.spec().hiddenSize(), source.spec().hiddenSize());
            Tensor sumU = Tensor.zeros(source.spec().hiddenSize(), source.spec().inputSize());
            double largest = 0;
            int terms = 0;
            for (Row row : rows) {
                if (row.lag() == lag) {
                    terms++;
                    addInto(sumW, row.gradients().get(ParameterNames.W));
                    addInto(sumU, row.gradients().get(ParameterNames.U));
                    largest = Math.max(largest, row.gradients().get(ParameterNames.W).norm());
                }
            }
            if (terms > 0) {
                lags.add(new LagNorms(lag, terms, sumW.norm(), largest, sumU.norm()));
            }
        }
        return new BpttTable(List.copyOf(rows), List.copyOf(lags));
    }

    /** Σ over every row of the parameter's contribution: dL/dθ for θ in U, W, b, V, c. */
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

    /** Modified: sum. Not modified: term. */
    private static void addInto(Tensor sum, Tensor term) {
        for (int i = 0; i < sum.length(); i++) {
            sum.data()[i] += term.data()[i];
        }
    }
}
