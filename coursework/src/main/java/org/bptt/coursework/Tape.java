package org.bptt.coursework;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;

/**
 * The Wengert list (tape) of the forward pass of one sequence, at the level of matrices and vectors, and its
 * reverse sweep. The forward pass
 * <pre>
 *   a_t = U x_t + W h_{t-1} + b,   h_t = f(a_t),   o_t = V h_t + c,   y_t = softmax(o_t) (σ(o_t)),
 *   J_t = −y*_tᵀ log y_t (binary cross-entropy for σ),   L = Σ_t J_t / divisor
 * </pre>
 * is recorded as nodes w_0, w_1, ... in the order they are computed, each one operation on earlier nodes: leaves
 * (U, W, b, V, c, x_t, h_{-1}, placed where first used), products (U x_t, W h_{t-1}, V h_t), sums (a_t, o_t), the
 * activation (h_t), the output squashing (y_t), the cross-entropy (J_t) and the reduction (L). A sum of one term is
 * not a node of its own: with h_{-1} = 0 (W h_{-1} = 0 leaves the equations) and no biases, a_0 is the node U x_0.
 *
 * <p>A GRU or LSTM step is recorded the same way, in the order and with the symbols of {@code GruCell} and
 * {@code LstmCell} (and {@link org.bptt.api.Cell}'s javadoc): each gate's pre-activation a_{*,t} = U_* x_t + b_* +
 * W_* h_{t-1} + b_h* (+ p_* ⊙ c for an LSTM's peepholes), the gate σ(a_{*,t}) or candidate tanh(a_{*,t}), the
 * elementwise products (r_t ⊙ h_{t-1} or r_t ⊙ (W_n h_{t-1} + b_hn), 1 − z_t, (1 − z_t) ⊙ n_t, z_t ⊙ h_{t-1};
 * f_t ⊙ c_{t-1}, i_t ⊙ g_t, tanh(c_t), o_t ⊙ tanh(c_t)) and the states c_t, h_t; c_{-1} is a leaf like h_{-1}. In
 * an LSTM the head's logits are called s_t, since o_t is the output gate. Under a mask the sequence stops at its
 * last unmasked step, as the harness's masks say.
 *
 * <p>The reverse sweep seeds L̄ = 1 and visits the nodes from last to first; at node j, whose adjoint w̄_j is then
 * complete (every consumer of w_j comes later), it adds to each input i the local chain-rule term, e.g.
 * {@code w̄_i += w̄_j ⊙ (1 − w_j²)} for w_j = tanh(w_i). The adjoints of the leaves U, W, b, V, c are dL/dθ.
 *
 * <p>Written independently of the reference's BPTT (own arithmetic in {@link SmallMatrices}), so that comparing
 * the two is a real check. Immutable once recorded.
 */
public final class Tape {

    /** What a node computes. */
    public enum Operation {
        /** An input of the computation: a parameter, x_t or h_{-1}. */
        LEAF,
        /** w_a · w_b, a matrix times a vector. */
        PRODUCT,
        /** The sum of its inputs. */
        SUM,
        /** f(w_i) elementwise, f the hidden activation. */
        ACTIVATION,
        /** softmax(w_i). */
        SOFTMAX,
        /** σ(w_i), the sigmoid head's output. */
        SIGMOID,
        /** −y*ᵀ log w_i. */
        CROSS_ENTROPY,
        /** −(y* log w_i + (1 − y*) log(1 − w_i)). */
        BINARY_CROSS_ENTROPY,
        /** (Σ inputs) / divisor. */
        REDUCTION,
        /** σ(w_i) elementwise: a gated cell's gate (r, z / i, f, o). */
        GATE,
        /** tanh(w_i) elementwise: a gated cell's candidate (n / g) and the LSTM's tanh(c_t). */
        TANH,
        /** w_a ⊙ w_b, the elementwise product of two vectors. */
        ELEMENTWISE_PRODUCT,
        /** 1 − w_i: the GRU's 1 − z_t. */
        COMPLEMENT
    }

    /**
     * The parameter names of one gate of a gated cell (or of its candidate), as {@link org.bptt.api.Cell} declares
     * them; {@code peephole} is null for the gates that have none.
     */
    private record Gate(String symbol, String inputWeights, String recurrentWeights, String bias, String recurrentBias,
                        String peephole) {
    }

    private static final Gate RESET = new Gate("r", ParameterNames.U_R, ParameterNames.W_R, ParameterNames.B_R, ParameterNames.B_HR, null);
    private static final Gate UPDATE = new Gate("z", ParameterNames.U_Z, ParameterNames.W_Z, ParameterNames.B_Z, ParameterNames.B_HZ, null);
    private static final Gate CANDIDATE = new Gate("n", ParameterNames.U_N, ParameterNames.W_N, ParameterNames.B_N, ParameterNames.B_HN, null);
    private static final Gate INPUT = new Gate("i", ParameterNames.U_I, ParameterNames.W_I, ParameterNames.B_I, ParameterNames.B_HI, ParameterNames.P_I);
    private static final Gate FORGET = new Gate("f", ParameterNames.U_F, ParameterNames.W_F, ParameterNames.B_F, ParameterNames.B_HF, ParameterNames.P_F);
    private static final Gate CELL_CANDIDATE = new Gate("g", ParameterNames.U_G, ParameterNames.W_G, ParameterNames.B_G, ParameterNames.B_HG, null);
    private static final Gate OUTPUT = new Gate("o", ParameterNames.U_O, ParameterNames.W_O, ParameterNames.B_O, ParameterNames.B_HO, ParameterNames.P_O);

    /**
     * One entry of the tape.
     *
     * @param index     i of w_i
     * @param name      what the node is in the equations, e.g. {@code U x_0}, {@code a_1}, {@code h_1}, {@code y_2}
     * @param operation what it computes
     * @param inputs    the indices of its operands, in order
     * @param formula   the operation on the operands, e.g. {@code w_0 · w_1}, {@code tanh(w_2)}
     * @param value     its value ({@code [n][1]} for a vector, {@code [1][1]} for a scalar). Not to be modified.
     */
    public record Node(int index, String name, Operation operation, int[] inputs, String formula, double[][] value) {

        /** {@code w_3 = tanh(w_2)   (h_0)}, or {@code w_0 = U} for a leaf. */
        public String describe() {
            return operation == Operation.LEAF ? "w_" + index + " = " + name
                    : "w_" + index + " = " + formula + "   (" + name + ")";
        }

        /** True for a column vector or a scalar, false for a matrix parameter. */
        public boolean isVector() {
            return value[0].length == 1;
        }
    }

    /**
     * One term of the reverse sweep: at node {@code from}, the chain rule adds {@code contribution} to the adjoint
     * of its input {@code to}.
     *
     * @param from         j, the node whose adjoint is propagated
     * @param to           i, the input receiving the term
     * @param rule         the local derivative, e.g. {@code w̄_2 += w̄_3 ⊙ (1 − w_3²)}
     * @param contribution the term's value. Not to be modified.
     */
    public record AdjointStep(int from, int to, String rule, double[][] contribution) {
    }

    /** The combining macron that turns w into w̄. */
    static final String BAR = "\u0304";

    private final Case source;
    private final List<Node> nodes = new ArrayList<>();
    /** The step t during which each node was recorded (a parameter's leaf: the step of its first use). */
    private final List<Integer> nodeSteps = new ArrayList<>();
    private int currentStep;
    private final Map<String, Integer> byName = new LinkedHashMap<>();
    private final List<AdjointStep> reverseSweep = new ArrayList<>();
    private double[][][] adjoints;

    private Tape(Case source) {
        this.source = source;
    }

    /** Records the forward pass of the (single) sequence of {@code source} and runs the reverse sweep. */
    public static Tape record(Case source) {
        InvalidInputException.require(source.batch().batchSize() == 1, "the tape follows one sequence; B must be 1, got %d",
                source.batch().batchSize());
        Tape tape = new Tape(source);
        tape.forward();
        tape.reverse();
        return tape;
    }

    /** The forward pass over the sequence's unmasked steps (a masked sequence stops at its last unmasked step). */
    private void forward() {
        ModelSpec spec = source.spec();
        int steps = source.batch().length(0);
        List<Integer> lossTerms = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            currentStep = t;
            int hidden = switch (spec.cell()) {
                case ELMAN -> elmanStep(t);
                case GRU -> gruStep(t);
                case LSTM -> lstmStep(t);
            };
            boolean hasLoss = !spec.head().lastStepOnly() || t == steps - 1;
            if (hasLoss) {
                lossTerms.add(outputLayer(t, hidden));
            }
        }
        double divisor = spec.reduction().divisor(1, lossTerms.size());
        int[] terms = lossTerms.stream().mapToInt(Integer::intValue).toArray();
        double total = 0;
        boolean parenthesise = terms.length > 1 && divisor != 1;
        StringBuilder formula = new StringBuilder(parenthesise ? "(" : "");
        for (int i = 0; i < terms.length; i++) {
            total += value(terms[i])[0][0];
            formula.append(i > 0 ? " + " : "").append("w_").append(terms[i]);
        }
        if (parenthesise) {
            formula.append(")");
        }
        if (divisor != 1) {
            formula.append(" / ").append(SmallMatrices.number(divisor));
        }
        add("L", Operation.REDUCTION, terms, formula.toString(), new double[][] {{total / divisor}});
    }

    /** a_t = U x_t + W h_{t-1} + b, h_t = f(a_t); returns the index of h_t. */
    private int elmanStep(int t) {
        ModelSpec spec = source.spec();
        int u = parameterLeaf(ParameterNames.U);
        List<Integer> preActivationTerms = new ArrayList<>();
        preActivationTerms.add(product("U x_" + t, u, input(t)));                                   // U x_t
        int previousHidden = previousHidden(t);
        if (previousHidden >= 0) {
            int w = parameterLeaf(ParameterNames.W);
            preActivationTerms.add(product("W " + hName(t - 1), w, previousHidden));                 // W h_{t-1}
        }
        if (spec.biases()) {
            preActivationTerms.add(parameterLeaf(ParameterNames.B));                                  // b
        }
        int preActivation = sum("a_" + t, preActivationTerms);                                     // a_t
        return add("h_" + t, Operation.ACTIVATION, new int[] {preActivation},
                activationName(spec.activation()) + "(w_" + preActivation + ")",
                activate(spec.activation(), value(preActivation)));                                  // h_t = f(a_t)
    }

    /**
     * The GRU's step, as {@code GruCell} writes it: r_t, z_t, the candidate n_t with the reset gate before or after
     * the recurrent product, and h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}; returns the index of h_t.
     */
    private int gruStep(int t) {
        int reset = gate(RESET, t, null, Operation.GATE);                                           // r_t
        int update = gate(UPDATE, t, null, Operation.GATE);                                         // z_t
        List<Integer> candidateTerms = new ArrayList<>();
        candidateTerms.add(product(CANDIDATE.inputWeights() + " x_" + t, parameterLeaf(CANDIDATE.inputWeights()), input(t)));
        if (has(CANDIDATE.bias())) {
            candidateTerms.add(parameterLeaf(CANDIDATE.bias()));                                    // + b_n
        }
        int previousHidden = previousHidden(t);
        String previousName = hName(t - 1);
        if (source.spec().cellOptions().resetPlacement() == ResetPlacement.BEFORE) {
            if (previousHidden >= 0) {
                String resetHidden = "r_" + t + " ⊙ " + previousName;
                int scaled = elementwiseProduct(resetHidden, reset, previousHidden);                // r_t ⊙ h_{t-1}
                candidateTerms.add(product(CANDIDATE.recurrentWeights() + " (" + resetHidden + ")",
                        parameterLeaf(CANDIDATE.recurrentWeights()), scaled));                      // + W_n (r_t ⊙ h_{t-1})
            }
            if (has(CANDIDATE.recurrentBias())) {
                candidateTerms.add(parameterLeaf(CANDIDATE.recurrentBias()));                       // + b_hn
            }
        } else {
            List<Integer> recurrentTerms = new ArrayList<>();
            if (previousHidden >= 0) {
                recurrentTerms.add(product(CANDIDATE.recurrentWeights() + " " + previousName,
                        parameterLeaf(CANDIDATE.recurrentWeights()), previousHidden));              // W_n h_{t-1}
            }
            if (has(CANDIDATE.recurrentBias())) {
                recurrentTerms.add(parameterLeaf(CANDIDATE.recurrentBias()));                       //   + b_hn
            }
            if (!recurrentTerms.isEmpty()) {
                String recurrentName = recurrentTerms.size() == 1 ? nodes.get(recurrentTerms.get(0)).name()
                        : CANDIDATE.recurrentWeights() + " " + previousName + " + " + CANDIDATE.recurrentBias();
                int recurrent = recurrentTerms.size() == 1 ? recurrentTerms.get(0) : sum(recurrentName, recurrentTerms);
                candidateTerms.add(elementwiseProduct("r_" + t + " ⊙ " + (recurrentTerms.size() == 1 ? recurrentName
                        : "(" + recurrentName + ")"), reset, recurrent));                           // + r_t ⊙ (W_n h_{t-1} + b_hn)
            }
        }
        int candidatePreActivation = sum(preActivationName(CANDIDATE, t), candidateTerms);
        int candidate = add("n_" + t, Operation.TANH, new int[] {candidatePreActivation}, "tanh(w_" + candidatePreActivation + ")",
                activate(Activation.TANH, value(candidatePreActivation)));                          // n_t = tanh(…)
        int complement = add("1 − z_" + t, Operation.COMPLEMENT, new int[] {update}, "1 − w_" + update,
                SmallMatrices.add(ones(value(update)), SmallMatrices.scale(-1, value(update))));  // 1 − z_t
        List<Integer> hiddenTerms = new ArrayList<>();
        hiddenTerms.add(elementwiseProduct("(1 − z_" + t + ") ⊙ n_" + t, complement, candidate));  // (1 − z_t) ⊙ n_t
        if (previousHidden >= 0) {
            hiddenTerms.add(elementwiseProduct("z_" + t + " ⊙ " + previousName, update, previousHidden));  // + z_t ⊙ h_{t-1}
        }
        return sum("h_" + t, hiddenTerms);                                                          // h_t
    }

    /**
     * The LSTM's step, as {@code LstmCell} writes it: i_t, f_t, g_t, c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t, o_t (its
     * peephole on the new c_t) and h_t = o_t ⊙ tanh(c_t); returns the index of h_t.
     */
    private int lstmStep(int t) {
        int inputGate = gate(INPUT, t, () -> previousCell(t), Operation.GATE);                     // i_t
        int forgetGate = gate(FORGET, t, () -> previousCell(t), Operation.GATE);                   // f_t
        int cellCandidate = gate(CELL_CANDIDATE, t, null, Operation.TANH);                         // g_t
        List<Integer> cellTerms = new ArrayList<>();
        int previousCell = previousCell(t);
        if (previousCell >= 0) {
            cellTerms.add(elementwiseProduct("f_" + t + " ⊙ " + cName(t - 1), forgetGate, previousCell));  // f_t ⊙ c_{t-1}
        }
        cellTerms.add(elementwiseProduct("i_" + t + " ⊙ g_" + t, inputGate, cellCandidate));      // + i_t ⊙ g_t
        int cell = sum(cName(t), cellTerms);                                                        // c_t
        int outputGate = gate(OUTPUT, t, () -> cell, Operation.GATE);                               // o_t
        int squashedCell = add("tanh(" + cName(t) + ")", Operation.TANH, new int[] {cell}, "tanh(w_" + cell + ")",
                activate(Activation.TANH, value(cell)));                                            // tanh(c_t)
        return elementwiseProduct("h_" + t, outputGate, squashedCell);                             // h_t = o_t ⊙ tanh(c_t)
    }

    /**
     * One gate (or candidate) of a gated cell at step t: its pre-activation a_{*,t} = U_* x_t + b_* + W_* h_{t-1}
     * + b_h* (+ p_* ⊙ c when {@code peepholeOn} gives the cell state the peephole sees), in the reference's order,
     * and the gate σ(a_{*,t}) or the candidate tanh(a_{*,t}); returns the gate's index.
     */
    private int gate(Gate gate, int t, IntSupplier peepholeOn, Operation squashing) {
        List<Integer> terms = new ArrayList<>();
        terms.add(product(gate.inputWeights() + " x_" + t, parameterLeaf(gate.inputWeights()), input(t)));  // U_* x_t
        if (has(gate.bias())) {
            terms.add(parameterLeaf(gate.bias()));                                                  // + b_*
        }
        int previousHidden = previousHidden(t);
        if (previousHidden >= 0) {
            terms.add(product(gate.recurrentWeights() + " " + hName(t - 1), parameterLeaf(gate.recurrentWeights()),
                    previousHidden));                                                               // + W_* h_{t-1}
        }
        if (has(gate.recurrentBias())) {
            terms.add(parameterLeaf(gate.recurrentBias()));                                         // + b_h*
        }
        if (peepholeOn != null && gate.peephole() != null && has(gate.peephole())) {
            int cell = peepholeOn.getAsInt();
            if (cell >= 0) {
                String cellName = nodes.get(cell).name();
                terms.add(elementwiseProduct(gate.peephole() + " ⊙ " + cellName.substring(0, cellName.contains(" = ")
                        ? cellName.indexOf(" = ") : cellName.length()), parameterLeaf(gate.peephole()), cell));  // + p_* ⊙ c
            }
        }
        int preActivation = sum(preActivationName(gate, t), terms);
        String function = squashing == Operation.GATE ? "σ" : "tanh";
        return add(gate.symbol() + "_" + t, squashing, new int[] {preActivation}, function + "(w_" + preActivation + ")",
                activate(squashing == Operation.GATE ? Activation.SIGMOID : Activation.TANH, value(preActivation)));
    }

    /** The name of a gate's pre-activation at step t, e.g. {@code a_{z,1}}. */
    static String preActivationName(Gate gate, int t) {
        return "a_{" + gate.symbol() + "," + t + "}";
    }

    /** x_t's leaf, added where first used. */
    private int input(int t) {
        String name = "x_" + t;
        Integer existing = byName.get(name);
        Batch batch = source.batch();
        return existing != null ? existing
                : leaf(name, SmallMatrices.column(batch.inputs().data(), batch.inputs().offset(0, t, 0), source.spec().inputSize()));
    }

    /** h_{t-1}'s node; for t = 0 the leaf h_{-1}, added where first used, or -1 when h_{-1} = 0 (it leaves the equations). */
    private int previousHidden(int t) {
        if (t > 0) {
            return indexOf(hName(t - 1));
        }
        Tensor initial = source.batch().initialState();
        if (initial == null) {
            return -1;
        }
        Integer existing = byName.get(hName(-1));
        return existing != null ? existing : leaf(hName(-1), SmallMatrices.column(initial.data(), 0, source.spec().hiddenSize()));
    }

    /** c_{t-1}'s node, as {@link #previousHidden} for h. */
    private int previousCell(int t) {
        if (t > 0) {
            return indexOf(cName(t - 1));
        }
        Tensor initial = source.batch().initialCellState();
        if (initial == null) {
            return -1;
        }
        Integer existing = byName.get(cName(-1));
        return existing != null ? existing : leaf(cName(-1), SmallMatrices.column(initial.data(), 0, source.spec().hiddenSize()));
    }

    /** True when the model has the parameter (a bias or peephole may be absent). */
    private boolean has(String parameter) {
        return source.parameters().get(parameter) != null;
    }

    private int elementwiseProduct(String name, int left, int right) {
        return add(name, Operation.ELEMENTWISE_PRODUCT, new int[] {left, right}, "w_" + left + " ⊙ w_" + right,
                SmallMatrices.hadamard(value(left), value(right)));
    }

    private static double[][] ones(double[][] like) {
        double[][] ones = new double[like.length][like[0].length];
        for (double[] row : ones) {
            java.util.Arrays.fill(row, 1.0);
        }
        return ones;
    }

    /** o_t = V h_t + c, y_t and J_t; returns the index of J_t. */
    private int outputLayer(int t, int hidden) {
        ModelSpec spec = source.spec();
        int v = parameterLeaf(ParameterNames.V);
        List<Integer> logitTerms = new ArrayList<>();
        logitTerms.add(product("V h_" + t, v, hidden));                                             // V h_t
        if (spec.biases()) {
            logitTerms.add(parameterLeaf(ParameterNames.C));                                        // c
        }
        int logits = sum(logitsName(t), logitTerms);                                                // o_t
        double[][] target = target(t);
        String targetText = SmallMatrices.format(target);
        if (spec.head() == Head.LAST_STEP_SIGMOID) {
            int output = add("y_" + t, Operation.SIGMOID, new int[] {logits}, "σ(w_" + logits + ")",
                    sigmoid(value(logits)));
            double y = value(output)[0][0];
            double targetProbability = target[0][0];
            double loss = -(targetProbability * Math.log(y) + (1 - targetProbability) * Math.log(1 - y));
            return add("J_" + t, Operation.BINARY_CROSS_ENTROPY, new int[] {output},
                    "−(y*_" + t + " log w_" + output + " + (1 − y*_" + t + ") log(1 − w_" + output + ")),  y*_" + t + " = " + targetText,
                    new double[][] {{loss}});
        }
        int output = add("y_" + t, Operation.SOFTMAX, new int[] {logits}, "softmax(w_" + logits + ")", softmax(value(logits)));
        double loss = 0;
        for (int k = 0; k < target.length; k++) {
            if (target[k][0] != 0) {
                loss -= target[k][0] * Math.log(value(output)[k][0]);
            }
        }
        return add("J_" + t, Operation.CROSS_ENTROPY, new int[] {output},
                "−y*_" + t + "ᵀ log w_" + output + ",  y*_" + t + " = " + targetText, new double[][] {{loss}});
    }

    /** y*_t as a column: the target of step t (the last-step heads have one target per sequence). */
    double[][] target(int t) {
        Batch batch = source.batch();
        int k = source.spec().outputSize();
        int offset = source.spec().head().lastStepOnly() ? batch.targets().offset(0, 0) : batch.targets().offset(0, t, 0);
        return SmallMatrices.column(batch.targets().data(), offset, k);
    }

    private void reverse() {
        adjoints = new double[nodes.size()][][];
        for (Node node : nodes) {
            adjoints[node.index()] = SmallMatrices.zerosLike(node.value());
        }
        int last = nodes.size() - 1;
        adjoints[last] = new double[][] {{1.0}};                                                  // L̄ = 1
        for (int j = last; j >= 0; j--) {
            Node node = nodes.get(j);
            double[][] adjoint = adjoints[j];                                                       // complete: consumers come later
            String bar = "w" + BAR + "_" + j;
            int[] in = node.inputs();
            switch (node.operation()) {
                case LEAF -> {
                }
                case PRODUCT -> {
                    double[][] matrix = value(in[0]);
                    double[][] vector = value(in[1]);
                    propagate(j, in[0], bar(in[0]) + " += " + bar + " w_" + in[1] + "ᵀ",
                            SmallMatrices.multiply(adjoint, SmallMatrices.transpose(vector)));      // Ā += P̄ Bᵀ
                    propagate(j, in[1], bar(in[1]) + " += w_" + in[0] + "ᵀ " + bar,
                            SmallMatrices.multiply(SmallMatrices.transpose(matrix), adjoint));      // B̄ += Aᵀ P̄
                }
                case SUM -> {
                    for (int i : in) {
                        propagate(j, i, bar(i) + " += " + bar, adjoint);
                    }
                }
                case ACTIVATION -> activationAdjoint(j, in[0], adjoint, bar);
                case SOFTMAX -> {
                    double[][] y = node.value();
                    double dot = 0;                                                                 // yᵀ ȳ
                    for (int k = 0; k < y.length; k++) {
                        dot += y[k][0] * adjoint[k][0];
                    }
                    double[][] term = new double[y.length][1];
                    for (int k = 0; k < y.length; k++) {
                        term[k][0] = y[k][0] * (adjoint[k][0] - dot);                               // (diag y − y yᵀ) ȳ
                    }
                    propagate(j, in[0], bar(in[0]) + " += w_" + j + " ⊙ (" + bar + " − (w_" + j + "ᵀ " + bar + ") 1)", term);
                }
                case SIGMOID -> {
                    double y = node.value()[0][0];
                    propagate(j, in[0], bar(in[0]) + " += " + bar + " ⊙ w_" + j + " ⊙ (1 − w_" + j + ")",
                            new double[][] {{adjoint[0][0] * y * (1 - y)}});
                }
                case CROSS_ENTROPY -> {
                    double[][] y = value(in[0]);
                    double[][] target = target(stepOf(node.name()));
                    double[][] term = new double[y.length][1];
                    for (int k = 0; k < y.length; k++) {
                        term[k][0] = target[k][0] == 0 ? 0 : -adjoint[0][0] * target[k][0] / y[k][0];
                    }
                    propagate(j, in[0], bar(in[0]) + " += −" + bar + " y*_" + stepOf(node.name()) + " ⊘ w_" + in[0], term);
                }
                case BINARY_CROSS_ENTROPY -> {
                    double y = value(in[0])[0][0];
                    double target = target(stepOf(node.name()))[0][0];
                    int t = stepOf(node.name());
                    propagate(j, in[0], bar(in[0]) + " += " + bar + " (−y*_" + t + " / w_" + in[0] + " + (1 − y*_" + t
                            + ") / (1 − w_" + in[0] + "))", new double[][] {{adjoint[0][0] * (-target / y + (1 - target) / (1 - y))}});
                }
                case REDUCTION -> {
                    double divisor = source.spec().reduction().divisor(1, in.length);
                    for (int i : in) {
                        propagate(j, i, bar(i) + " += " + bar + (divisor != 1 ? " / " + SmallMatrices.number(divisor) : ""),
                                SmallMatrices.scale(1 / divisor, adjoint));
                    }
                }
                case GATE -> {
                    double[][] gate = node.value();
                    double[][] term = new double[gate.length][1];
                    for (int k = 0; k < gate.length; k++) {
                        term[k][0] = adjoint[k][0] * gate[k][0] * (1 - gate[k][0]);                 // σ' = σ (1 − σ)
                    }
                    propagate(j, in[0], bar(in[0]) + " += " + bar + " ⊙ w_" + j + " ⊙ (1 − w_" + j + ")", term);
                }
                case TANH -> {
                    double[][] squashed = node.value();
                    double[][] term = new double[squashed.length][1];
                    for (int k = 0; k < squashed.length; k++) {
                        term[k][0] = adjoint[k][0] * (1 - squashed[k][0] * squashed[k][0]);         // tanh' = 1 − tanh²
                    }
                    propagate(j, in[0], bar(in[0]) + " += " + bar + " ⊙ (1 − w_" + j + "²)", term);
                }
                case ELEMENTWISE_PRODUCT -> {
                    propagate(j, in[0], bar(in[0]) + " += " + bar + " ⊙ w_" + in[1],
                            SmallMatrices.hadamard(adjoint, value(in[1])));                         // Ā += P̄ ⊙ B
                    propagate(j, in[1], bar(in[1]) + " += " + bar + " ⊙ w_" + in[0],
                            SmallMatrices.hadamard(adjoint, value(in[0])));                         // B̄ += P̄ ⊙ A
                }
                case COMPLEMENT -> propagate(j, in[0], bar(in[0]) + " += −" + bar, SmallMatrices.scale(-1, adjoint));
                default -> throw new IllegalStateException("no adjoint rule for " + node.operation());
            }
        }
    }

    /** The adjoint of h = f(a): ā += h̄ ⊙ f'(a), f' written with h as the reference does. */
    private void activationAdjoint(int j, int input, double[][] adjoint, String bar) {
        Activation activation = source.spec().activation();
        double[][] h = value(j);
        double[][] term = new double[h.length][1];
        for (int k = 0; k < h.length; k++) {
            double derivative = switch (activation) {
                case TANH -> 1 - h[k][0] * h[k][0];
                case SIGMOID -> h[k][0] * (1 - h[k][0]);
                case RELU -> value(input)[k][0] > 0 ? 1 : 0;
                case IDENTITY -> 1;
            };
            term[k][0] = adjoint[k][0] * derivative;
        }
        String rule = switch (activation) {
            case TANH -> bar + " ⊙ (1 − w_" + j + "²)";
            case SIGMOID -> bar + " ⊙ w_" + j + " ⊙ (1 − w_" + j + ")";
            case RELU -> bar + " ⊙ [w_" + input + " > 0]";
            case IDENTITY -> bar;
        };
        propagate(j, input, bar(input) + " += " + rule, term);
    }

    private void propagate(int from, int to, String rule, double[][] contribution) {
        adjoints[to] = SmallMatrices.add(adjoints[to], contribution);
        reverseSweep.add(new AdjointStep(from, to, rule, SmallMatrices.copy(contribution)));
    }

    private static String bar(int index) {
        return "w" + BAR + "_" + index;
    }

    /** The step t of a per-step name such as {@code J_2}. */
    private static int stepOf(String name) {
        return Integer.parseInt(name.substring(name.indexOf('_') + 1));
    }

    /**
     * The name of the head's logits at step t: o_t, as the API's equations write them, except in an LSTM, whose
     * output gate is o_t; there they are s_t.
     */
    String logitsName(int t) {
        return (source.spec().cell() == org.bptt.api.Cell.LSTM ? "s_" : "o_") + t;
    }

    static String cName(int t) {
        return t < 0 ? "c_{-1}" : "c_" + t;
    }

    static String hName(int t) {
        return t < 0 ? "h_{-1}" : "h_" + t;
    }

    /** tanh, σ, relu, or id for the identity. */
    static String activationName(Activation activation) {
        return switch (activation) {
            case TANH -> "tanh";
            case SIGMOID -> "σ";
            case RELU -> "relu";
            case IDENTITY -> "id";
        };
    }

    /** The leaf of the parameter called {@code name}, named after it, added where it is first used. */
    private int parameterLeaf(String name) {
        Integer existing = byName.get(name);
        return existing != null ? existing : leaf(name, SmallMatrices.of(source.parameters().get(name)));
    }

    private int leaf(String name, double[][] value) {
        return add(name, Operation.LEAF, new int[0], name, value);
    }

    private int product(String name, int matrix, int vector) {
        return add(name, Operation.PRODUCT, new int[] {matrix, vector}, "w_" + matrix + " · w_" + vector,
                SmallMatrices.multiply(value(matrix), value(vector)));
    }

    /** The sum of {@code terms} as a node called {@code name}; a single term is that node, which gains the name. */
    private int sum(String name, List<Integer> terms) {
        if (terms.size() == 1) {
            int only = terms.get(0);
            Node node = nodes.get(only);
            nodes.set(only, new Node(only, name + " = " + node.name(), node.operation(), node.inputs(), node.formula(), node.value()));
            byName.put(name, only);
            return only;
        }
        double[][] total = SmallMatrices.zerosLike(value(terms.get(0)));
        StringBuilder formula = new StringBuilder();
        for (int term : terms) {
            total = SmallMatrices.add(total, value(term));
            formula.append(formula.length() > 0 ? " + " : "").append("w_").append(term);
        }
        return add(name, Operation.SUM, terms.stream().mapToInt(Integer::intValue).toArray(), formula.toString(), total);
    }

    private int add(String name, Operation operation, int[] inputs, String formula, double[][] value) {
        int index = nodes.size();
        nodes.add(new Node(index, name, operation, inputs, formula, value));
        nodeSteps.add(currentStep);
        byName.put(name, index);
        return index;
    }

    private double[][] value(int index) {
        return nodes.get(index).value();
    }

    private static double[][] activate(Activation activation, double[][] preActivation) {
        double[][] result = new double[preActivation.length][1];
        for (int k = 0; k < preActivation.length; k++) {
            double a = preActivation[k][0];
            result[k][0] = switch (activation) {
                case TANH -> Math.tanh(a);
                case SIGMOID -> 1 / (1 + Math.exp(-a));
                case RELU -> Math.max(a, 0);
                case IDENTITY -> a;
            };
        }
        return result;
    }

    private static double[][] sigmoid(double[][] logits) {
        double o = logits[0][0];
        return new double[][] {{o >= 0 ? 1 / (1 + Math.exp(-o)) : Math.exp(o) / (1 + Math.exp(o))}};
    }

    /** softmax(o)_k = e^(o_k − max o) / Σ_j e^(o_j − max o). */
    private static double[][] softmax(double[][] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : logits) {
            max = Math.max(max, row[0]);
        }
        double sum = 0;
        double[][] result = new double[logits.length][1];
        for (int k = 0; k < logits.length; k++) {
            result[k][0] = Math.exp(logits[k][0] - max);
            sum += result[k][0];
        }
        for (int k = 0; k < logits.length; k++) {
            result[k][0] /= sum;
        }
        return result;
    }

    /** The case the tape follows. */
    public Case source() {
        return source;
    }

    /** Every node, w_0 first. */
    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** The terms of the reverse sweep in the order they were applied (from L back to w_0). */
    public List<AdjointStep> reverseSweep() {
        return Collections.unmodifiableList(reverseSweep);
    }

    /** w̄_i = dL/dw_i. Not to be modified. */
    public double[][] adjoint(int index) {
        return adjoints[index];
    }

    /** The node called {@code name} ({@code U}, {@code x_1}, {@code a_2}, {@code h_{-1}}, {@code L}, ...), or -1. */
    public int indexOf(String name) {
        return byName.getOrDefault(name, -1);
    }

    /** Every name a node can be looked up by, in tape order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The node called {@code name}. */
    public Node node(String name) {
        int index = indexOf(name);
        if (index < 0) {
            throw new InvalidInputException("the tape has no node '" + name + "'; it has " + names());
        }
        return nodes.get(index);
    }

    /**
     * dL/dθ for θ one of U, W, b, V, c: the adjoint of its leaf, or zeros when the computation never used it (W when
     * T = 1 and h_{-1} = 0). Null for a bias the model does not have.
     */
    public double[][] parameterGradient(String parameter) {
        org.bptt.api.Tensor value = source.parameters().get(parameter);
        if (value == null) {
            return null;
        }
        int index = indexOf(parameter);
        return index >= 0 ? adjoints[index] : SmallMatrices.zerosLike(SmallMatrices.of(value));
    }

    /** The number of steps recorded: T, or the sequence's unmasked length under a mask. */
    public int length() {
        return source.batch().length(0);
    }

    /** The step t during which node {@code index} was recorded (a parameter's leaf: the step of its first use). */
    public int step(int index) {
        return nodeSteps.get(index);
    }

    /**
     * ∂L/∂s_k for the state s_k called {@code name} (h_k, or an LSTM's c_k), counting only what reaches it from the
     * later steps: the reverse-sweep terms into it from nodes of steps after k. What an Elman or GRU h_k also gets
     * directly from its own loss term (Vᵀ ō_k), and an LSTM's c_k through h_k and o_k, is left out. Zero at the last
     * step.
     */
    public double[][] gradientFromTheRight(String name, int k) {
        int state = indexOf(name);
        double[][] total = SmallMatrices.zerosLike(nodes.get(state).value());
        for (AdjointStep step : reverseSweep) {
            if (step.to() == state && step(step.from()) > k) {
                total = SmallMatrices.add(total, step.contribution());
            }
        }
        return total;
    }

    /** The steps t that have a loss term. */
    public List<Integer> lossSteps() {
        List<Integer> steps = new ArrayList<>();
        for (int t = 0; t < source.batch().steps(); t++) {
            if (indexOf("J_" + t) >= 0) {
                steps.add(t);
            }
        }
        return steps;
    }

    /**
     * ∂L/∂h_t through the output layer of step t alone (Vᵀ ō_t), without what reaches h_t through h_{t+1}: the
     * reverse-sweep term from the node V h_t to h_t. Zero at steps without a loss term.
     */
    public double[][] directHiddenGradient(int t) {
        int hidden = indexOf("h_" + t);
        int outputProduct = indexOf("V h_" + t);
        double[][] direct = SmallMatrices.zerosLike(nodes.get(hidden).value());
        for (AdjointStep step : reverseSweep) {
            if (step.from() == outputProduct && step.to() == hidden) {
                direct = SmallMatrices.add(direct, step.contribution());
            }
        }
        return direct;
    }
}
