package org.bptt.coursework;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Case;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;

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
        REDUCTION
    }

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
        InvalidInputException.require(source.batch().mask() == null, "the tape follows one unmasked sequence");
        Tape tape = new Tape(source);
        tape.forward();
        tape.reverse();
        return tape;
    }

    private void forward() {
        ModelSpec spec = source.spec();
        Batch batch = source.batch();
        int steps = batch.steps();
        int d = spec.inputSize();
        Integer previousHidden = null;                                                // h_{t-1}; null while h_{-1} = 0
        List<Integer> lossTerms = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            int u = parameterLeaf(ParameterNames.U);
            int x = leaf("x_" + t, SmallMatrices.column(batch.inputs().data(), batch.inputs().offset(0, t, 0), d));
            List<Integer> preActivationTerms = new ArrayList<>();
            preActivationTerms.add(product("U x_" + t, u, x));                                      // U x_t
            if (t == 0 && batch.initialState() != null) {
                previousHidden = leaf("h_{-1}", SmallMatrices.column(batch.initialState().data(), 0, spec.hiddenSize()));
            }
            if (previousHidden != null) {
                int w = parameterLeaf(ParameterNames.W);
                preActivationTerms.add(product("W " + hName(t - 1), w, previousHidden));             // W h_{t-1}
            }
            if (spec.biases()) {
                preActivationTerms.add(parameterLeaf(ParameterNames.B));                              // b
            }
            int preActivation = sum("a_" + t, preActivationTerms);                                 // a_t
            int hidden = add("h_" + t, Operation.ACTIVATION, new int[] {preActivation},
                    activationName(spec.activation()) + "(w_" + preActivation + ")",
                    activate(spec.activation(), value(preActivation)));                              // h_t = f(a_t)
            previousHidden = hidden;
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

    /** o_t = V h_t + c, y_t and J_t; returns the index of J_t. */
    private int outputLayer(int t, int hidden) {
        ModelSpec spec = source.spec();
        int v = parameterLeaf(ParameterNames.V);
        List<Integer> logitTerms = new ArrayList<>();
        logitTerms.add(product("V h_" + t, v, hidden));                                             // V h_t
        if (spec.biases()) {
            logitTerms.add(parameterLeaf(ParameterNames.C));                                        // c
        }
        int logits = sum("o_" + t, logitTerms);                                                     // o_t
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
