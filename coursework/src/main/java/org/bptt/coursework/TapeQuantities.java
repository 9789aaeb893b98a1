package org.bptt.coursework;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ParameterNames;
import org.bptt.api.Tensor;

/**
 * The quantities a student may give, resolved against a tape: each has its correct value, the step of the
 * computation that produces it, and the set of steps its value depends on. The steps of the computation are, in
 * order: the forward tape w_0 … w_{n-1}, the forward-mode steps ∂h_t/∂θ (t increasing, θ = U, W, b), and the reverse
 * sweep w̄_{n-1} … w̄_0.
 *
 * <p>Accepted names (spaces are ignored, ∂ may stand for d):
 * <ul>
 *   <li>any node of the tape: {@code U W b V c x_t h_{-1} a_t h_t o_t y_t J_t L}, and the products
 *       {@code Ux_t}, {@code Wh_{t-1}}, {@code Vh_t};</li>
 *   <li>{@code dL/d<node>}: its adjoint, e.g. {@code dL/dW}, {@code dL/dh_1}, {@code dL/da_2}, {@code dL/dx_0};</li>
 *   <li>for a gated cell, its nodes by the same scheme: the pre-activations {@code a_{r,t}} (gate r at step t),
 *       the gates and candidates {@code r_t z_t n_t} or {@code i_t f_t g_t o_t}, {@code c_t}, {@code c_{-1}},
 *       {@code tanh(c_t)}, the products such as {@code U_rx_t}, {@code z_t⊙h_{t-1}}, {@code 1−z_t}, and the
 *       head's logits ({@code s_t} in an LSTM, whose o_t is the output gate); {@code dL/d} of any of them;</li>
 *   <li>{@code dh_t/dU}, {@code dh_t/dW} ({@code [H][H][d]}, {@code [H][H][H]}: element [i][p][q] is
 *       ∂h_t[i]/∂θ[p][q]) and {@code dh_t/db} ({@code [H][H]}: element [i][p] is ∂h_t[i]/∂b[p]), Elman cell only.</li>
 * </ul>
 * Vectors are flat arrays, matrices arrays of rows, scalars numbers.
 */
public final class TapeQuantities {

    private static final Pattern FORWARD_MODE = Pattern.compile("dh_(\\d+)/d([UWb])");

    /**
     * One resolved quantity.
     *
     * @param name      the name as the student wrote it
     * @param expected  its correct value
     * @param position  the step of the computation that produces it
     * @param dependsOn every step its value depends on, itself included
     */
    public record Quantity(String name, Tensor expected, int position, BitSet dependsOn) {
    }

    private final Tape tape;
    private final ForwardMode forwardMode;
    private final int nodes;
    private final int steps;
    private final Map<String, Integer> nodeByKey = new HashMap<>();
    private final Map<Integer, BitSet> valueDependencies = new HashMap<>();
    private final Map<Integer, BitSet> adjointDependencies = new HashMap<>();
    private final List<List<Integer>> consumers = new ArrayList<>();

    public TapeQuantities(Tape tape, ForwardMode forwardMode) {
        this.tape = tape;
        this.forwardMode = forwardMode;
        this.nodes = tape.nodes().size();
        this.steps = tape.source().batch().steps();
        for (String name : tape.names()) {
            nodeByKey.put(key(name), tape.indexOf(name));
        }
        for (int i = 0; i < nodes; i++) {
            consumers.add(new ArrayList<>());
        }
        for (Tape.Node node : tape.nodes()) {
            for (int input : node.inputs()) {
                consumers.get(input).add(node.index());
            }
        }
    }

    /** Resolves {@code name}; an unknown name is an {@link InvalidInputException} listing what is accepted. */
    public Quantity resolve(String name) {
        String key = key(name);
        Matcher forward = FORWARD_MODE.matcher(key);
        if (forward.matches()) {
            int t = Integer.parseInt(forward.group(1));
            String parameter = forward.group(2);
            require(t < steps, name, "step " + t + " is outside 0 … " + (steps - 1));
            require(forwardMode.parameters().contains(parameter), name, "the model has no " + parameter);
            double[][][] jacobian = forwardMode.jacobian(parameter, t);
            return new Quantity(name, jacobianTensor(jacobian, parameter.equals(ParameterNames.B)), forwardModePosition(t, parameter),
                    forwardModeDependencies(t, parameter));
        }
        if (key.startsWith("dL/d")) {
            String target = key.substring(4);
            if (ParameterNames.isKnown(target) && !nodeByKey.containsKey(target)) {
                double[][] gradient = tape.parameterGradient(target);
                require(gradient != null, name, "the model has no " + target);
                BitSet none = new BitSet();                                      // never used: zero, depends on nothing
                return new Quantity(name, SmallMatrices.toTensor(gradient, tape.source().parameters().get(target).rank() == 1),
                        reversePosition(0), none);
            }
            int node = node(target, name);
            return new Quantity(name, tensorOf(node, tape.adjoint(node)), reversePosition(node),
                    adjointDependencies(node));
        }
        int node = node(key, name);
        return new Quantity(name, tensorOf(node, tape.nodes().get(node).value()), node,
                valueDependencies(node));
    }

    /** What the step at {@code position} computes, e.g. {@code w_7 = tanh(w_6)   (h_1)}. */
    public String describe(int position) {
        if (position < nodes) {
            return tape.nodes().get(position).describe();
        }
        if (position < nodes + forwardModeSteps()) {
            int offset = position - nodes;
            int t = offset / ForwardMode.PARAMETERS.size();
            String parameter = ForwardMode.PARAMETERS.get(offset % ForwardMode.PARAMETERS.size());
            return "forward mode: " + ForwardMode.formula(parameter, t);
        }
        int node = nodes - 1 - (position - nodes - forwardModeSteps());
        StringBuilder rules = new StringBuilder();
        for (Tape.AdjointStep step : tape.reverseSweep()) {
            if (step.to() == node) {
                rules.append(rules.length() > 0 ? "; " : "").append(step.rule());
            }
        }
        String name = tape.nodes().get(node).name();
        String shortName = name.substring(0, name.contains(" = ") ? name.indexOf(" = ") : name.length());
        return "reverse sweep: w" + Tape.BAR + "_" + node + " = dL/d" + (shortName.contains(" ") ? "(" + shortName + ")" : shortName)
                + (rules.length() > 0 ? " from " + rules : " (the seed L" + Tape.BAR + " = 1)");
    }

    /** Every name accepted, for error messages and the README. */
    public List<String> examples() {
        List<String> names = new ArrayList<>(tape.names());
        names.add("dL/d<any of those>");
        if (!forwardMode.parameters().isEmpty()) {
            names.add("dh_t/dU, dh_t/dW" + (forwardMode.parameters().contains(ParameterNames.B) ? ", dh_t/db" : ""));
        }
        return names;
    }

    private int forwardModeSteps() {
        return steps * ForwardMode.PARAMETERS.size();
    }

    private int forwardModePosition(int t, String parameter) {
        return nodes + t * ForwardMode.PARAMETERS.size() + ForwardMode.PARAMETERS.indexOf(parameter);
    }

    private int reversePosition(int node) {
        return nodes + forwardModeSteps() + (nodes - 1 - node);
    }

    private BitSet valueDependencies(int node) {
        BitSet cached = valueDependencies.get(node);
        if (cached != null) {
            return cached;
        }
        BitSet dependencies = new BitSet();
        dependencies.set(node);
        for (int input : tape.nodes().get(node).inputs()) {
            dependencies.or(valueDependencies(input));
        }
        valueDependencies.put(node, dependencies);
        return dependencies;
    }

    /** w̄_i depends on the adjoints of its consumers and on the values their local derivatives use. */
    private BitSet adjointDependencies(int node) {
        BitSet cached = adjointDependencies.get(node);
        if (cached != null) {
            return cached;
        }
        BitSet dependencies = new BitSet();
        dependencies.set(reversePosition(node));
        for (int consumer : consumers.get(node)) {
            dependencies.or(adjointDependencies(consumer));
            dependencies.or(valueDependencies(consumer));
        }
        adjointDependencies.put(node, dependencies);
        return dependencies;
    }

    /** ∂h_t/∂θ depends on h_0 … h_t (and what they depend on) and on ∂h_{t-1}/∂θ. */
    private BitSet forwardModeDependencies(int t, String parameter) {
        BitSet dependencies = new BitSet();
        for (int step = 0; step <= t; step++) {
            dependencies.set(forwardModePosition(step, parameter));
        }
        dependencies.or(valueDependencies(tape.indexOf("h_" + t)));
        return dependencies;
    }

    private int node(String key, String name) {
        Integer node = nodeByKey.get(key);
        if (node == null) {
            throw new InvalidInputException("answers: unknown quantity '" + name + "'; this example has "
                    + String.join(", ", examples()));
        }
        return node;
    }

    /** A node's value as the student writes it: L and J_t scalars, U, W, V matrices, everything else a vector. */
    private Tensor tensorOf(int node, double[][] value) {
        Tape.Node described = tape.nodes().get(node);
        return switch (described.operation()) {
            case CROSS_ENTROPY, BINARY_CROSS_ENTROPY, REDUCTION -> new Tensor(new int[0], new double[] {value[0][0]});
            case LEAF -> SmallMatrices.toTensor(value, !isMatrixParameter(described.name()));
            default -> SmallMatrices.toTensor(value, true);
        };
    }

    /** True for a weight matrix (U, W, V, a gate's U_* and W_*), false for a vector, x_t or an initial state. */
    private boolean isMatrixParameter(String name) {
        Tensor parameter = ParameterNames.isKnown(name) ? tape.source().parameters().get(name) : null;
        return parameter != null && parameter.rank() == 2;
    }

    /** [H][rows][columns] as a tensor; for b (one column) as [H, H]. */
    private static Tensor jacobianTensor(double[][][] jacobian, boolean bias) {
        int h = jacobian.length;
        int rows = jacobian[0].length;
        int columns = jacobian[0][0].length;
        double[] data = new double[h * rows * columns];
        int offset = 0;
        for (double[][] slice : jacobian) {
            for (double[] row : slice) {
                for (double value : row) {
                    data[offset++] = value;
                }
            }
        }
        return bias ? Tensor.of(data, h, rows) : Tensor.of(data, h, rows, columns);
    }

    private static void require(boolean condition, String name, String problem) {
        if (!condition) {
            throw new InvalidInputException("answers: '" + name + "': " + problem);
        }
    }

    /** The lookup key of a name: no spaces, ∂ as d, {-1} kept. */
    static String key(String name) {
        return name.replace("∂", "d").replaceAll("\\s+", "");
    }
}
