package org.bptt.coursework;

import java.util.ArrayList;
import java.util.List;
import org.bptt.api.Activation;
import org.bptt.api.Case;
import org.bptt.api.ParameterNames;

/**
 * Forward-mode differentiation of the hidden states with respect to U, W and b: the real-time recurrent learning
 * recursion, one Jacobian tensor per step and parameter,
 * <pre>
 *   ∂h_t[i]/∂U[p][q] = f'(a_t)[i] · (δ_ip x_t[q]     + Σ_j W[i][j] ∂h_{t-1}[j]/∂U[p][q])
 *   ∂h_t[i]/∂W[p][q] = f'(a_t)[i] · (δ_ip h_{t-1}[q] + Σ_j W[i][j] ∂h_{t-1}[j]/∂W[p][q])
 *   ∂h_t[i]/∂b[p]    = f'(a_t)[i] · (δ_ip            + Σ_j W[i][j] ∂h_{t-1}[j]/∂b[p])
 * </pre>
 * with ∂h_{-1}/∂θ = 0 (h_{-1} is given, not computed from θ). In matrix words: ∂h_t/∂U = f'(a_t) ⊙ (x_t ⊗ e +
 * W ∂h_{t-1}/∂U). Contracting with the gradient each h_t receives directly from its own loss term,
 * <pre>
 *   dL/dθ = Σ_t (∂L/∂h_t|direct)ᵀ ∂h_t/∂θ,     ∂L/∂h_t|direct = Vᵀ ō_t,
 * </pre>
 * gives the same gradients as the reverse sweep. The hidden states, pre-activations and direct gradients are read
 * from the {@link Tape}; the recursion itself is computed here. It is written for the Elman cell: a gated cell has
 * none of U, W, b, so its forward mode differentiates by nothing ({@link #parameters()} is empty).
 */
public final class ForwardMode {

    /** The parameters the recursion differentiates by (those that exist in the model). */
    public static final List<String> PARAMETERS = List.of(ParameterNames.U, ParameterNames.W, ParameterNames.B);

    private final Tape tape;
    /** jacobians.get(parameter)[t][i][p][q]; for b, q has size 1. */
    private final java.util.Map<String, double[][][][]> jacobians = new java.util.LinkedHashMap<>();

    private ForwardMode(Tape tape) {
        this.tape = tape;
    }

    /** Runs the recursion over every step of the tape's sequence. */
    public static ForwardMode of(Tape tape) {
        ForwardMode mode = new ForwardMode(tape);
        for (String parameter : PARAMETERS) {
            if (tape.source().spec().parameter(parameter) != null) {
                mode.jacobians.put(parameter, mode.recurse(parameter));
            }
        }
        return mode;
    }

    private double[][][][] recurse(String parameter) {
        Case source = tape.source();
        int steps = source.batch().steps();
        int hiddenSize = source.spec().hiddenSize();
        double[][] w = SmallMatrices.of(source.parameters().get(ParameterNames.W));
        int rows = hiddenSize;
        int columns = switch (parameter) {
            case ParameterNames.U -> source.spec().inputSize();
            case ParameterNames.W -> hiddenSize;
            default -> 1;
        };
        double[][][][] result = new double[steps][hiddenSize][rows][columns];
        double[][][] previous = new double[hiddenSize][rows][columns];                       // ∂h_{-1}/∂θ = 0
        for (int t = 0; t < steps; t++) {
            double[][] derivative = activationDerivative(t);
            double[][] source_ = sourceVector(parameter, t);                                 // x_t, h_{t-1} or 1
            double[][][] current = result[t];
            for (int i = 0; i < hiddenSize; i++) {
                for (int p = 0; p < rows; p++) {
                    for (int q = 0; q < columns; q++) {
                        double recurrent = 0;
                        for (int j = 0; j < hiddenSize; j++) {
                            recurrent += w[i][j] * previous[j][p][q];                            // W ∂h_{t-1}/∂θ
                        }
                        double direct = i == p ? source_[q][0] : 0;                            // δ_ip s_t[q]
                        current[i][p][q] = derivative[i][0] * (direct + recurrent);
                    }
                }
            }
            previous = current;
        }
        return result;
    }

    /** What θ multiplies at step t: x_t for U, h_{t-1} for W (zero when h_{-1} = 0 and t = 0), 1 for b. */
    private double[][] sourceVector(String parameter, int t) {
        int hiddenSize = tape.source().spec().hiddenSize();
        return switch (parameter) {
            case ParameterNames.U -> tape.node("x_" + t).value();
            case ParameterNames.W -> t == 0 && tape.indexOf("h_{-1}") < 0 ? new double[hiddenSize][1] : tape.node(Tape.hName(t - 1)).value();
            default -> new double[][] {{1.0}};
        };
    }

    /** f'(a_t), elementwise. */
    double[][] activationDerivative(int t) {
        double[][] a = tape.node("a_" + t).value();
        double[][] h = tape.node("h_" + t).value();
        Activation activation = tape.source().spec().activation();
        double[][] derivative = new double[a.length][1];
        for (int i = 0; i < a.length; i++) {
            derivative[i][0] = switch (activation) {
                case TANH -> 1 - h[i][0] * h[i][0];
                case SIGMOID -> h[i][0] * (1 - h[i][0]);
                case RELU -> a[i][0] > 0 ? 1 : 0;
                case IDENTITY -> 1;
            };
        }
        return derivative;
    }

    /** The parameters differentiated by: U, W, and b when the model has biases. */
    public List<String> parameters() {
        return new ArrayList<>(jacobians.keySet());
    }

    /**
     * ∂h_t/∂θ as {@code [H][rows of θ][columns of θ]} (b: one column): element [i][p][q] is ∂h_t[i]/∂θ[p][q].
     * Not to be modified.
     */
    public double[][][] jacobian(String parameter, int t) {
        double[][][][] ofParameter = jacobians.get(parameter);
        if (ofParameter == null) {
            throw new org.bptt.api.InvalidInputException("the model has no parameter '" + parameter + "'");
        }
        return ofParameter[t];
    }

    /** dL/dθ = Σ_t (∂L/∂h_t|direct)ᵀ ∂h_t/∂θ, as θ's matrix (b: a column). */
    public double[][] contractedGradient(String parameter) {
        int steps = tape.source().batch().steps();
        double[][][] first = jacobian(parameter, 0);
        double[][] gradient = new double[first[0].length][first[0][0].length];
        for (int t = 0; t < steps; t++) {
            double[][] direct = tape.directHiddenGradient(t);
            double[][][] jacobian = jacobian(parameter, t);
            for (int i = 0; i < jacobian.length; i++) {
                for (int p = 0; p < gradient.length; p++) {
                    for (int q = 0; q < gradient[0].length; q++) {
                        gradient[p][q] += direct[i][0] * jacobian[i][p][q];
                    }
                }
            }
        }
        return gradient;
    }

    /** The recursion written for step t and θ, e.g. {@code ∂h_1/∂U = f'(a_1) ⊙ (x_1 ⊗ e + W ∂h_0/∂U)}. */
    public static String formula(String parameter, int t) {
        String source = switch (parameter) {
            case ParameterNames.U -> "x_" + t + " ⊗ e";
            case ParameterNames.W -> Tape.hName(t - 1) + " ⊗ e";
            default -> "I";
        };
        String recurrent = t == 0 ? "" : " + W ∂h_" + (t - 1) + "/∂" + parameter;
        String factor = t == 0 && parameter.equals(ParameterNames.B) ? source : "(" + source + recurrent + ")";
        return "∂h_" + t + "/∂" + parameter + " = f'(a_" + t + ") ⊙ " + factor;
    }

    public Tape tape() {
        return tape;
    }
}
