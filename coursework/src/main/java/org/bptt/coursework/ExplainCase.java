package org.bptt.coursework;

import java.util.Locale;
import org.bptt.api.Case;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.core.cases.CaseGenerator;

/**
 * The small example a student works through: a model (any cell), one sequence (B = 1) of T steps, and the seed its weights,
 * inputs, targets and optional h_{-1} are drawn from by {@link CaseGenerator} (the same numbers every command of the
 * harness would draw for that spec and seed).
 *
 * @param spec         the model
 * @param steps        T ≥ 1
 * @param initialState whether h_{-1} (and an LSTM's c_{-1}) is drawn at random (otherwise zero, and it leaves the
 *                     equations)
 * @param seed         the seed of the case
 */
public record ExplainCase(ModelSpec spec, int steps, boolean initialState, long seed) {

    /**
     * The largest T·H·(d + H) accepted: the number of elements of the forward-mode tensors ∂h_t/∂U and ∂h_t/∂W over
     * all steps. Beyond it the tape runs to pages nobody checks by hand.
     */
    public static final int MAX_TAPE_ELEMENTS = 256;
    /** The largest K accepted, for the same reason. */
    public static final int MAX_OUTPUT_SIZE = 8;

    public ExplainCase {
        InvalidInputException.require(spec != null, "the spec must be given");
        InvalidInputException.require(steps >= 1, "--steps (T) must be at least 1, got %d", steps);
        long elements = (long) steps * spec.hiddenSize() * (spec.inputSize() + spec.hiddenSize());
        InvalidInputException.require(elements <= MAX_TAPE_ELEMENTS,
                "T·H·(d + H) = %d·%d·(%d + %d) = %d is too large for a readable tape; the limit is %d "
                        + "(e.g. T = 3, d = 2, H = 2 gives 24)",
                steps, spec.hiddenSize(), spec.inputSize(), spec.hiddenSize(), elements, MAX_TAPE_ELEMENTS);
        InvalidInputException.require(spec.outputSize() <= MAX_OUTPUT_SIZE,
                "outputSize (K) = %d is too large for a readable tape; the limit is %d", spec.outputSize(), MAX_OUTPUT_SIZE);
    }

    /** The seeded case: B = 1, no mask. */
    public Case toCase() {
        Case generated = CaseGenerator.generate(id(), spec, 1, steps, false, initialState, seed);
        generated.validate();
        return generated;
    }

    /** A file-name-safe id such as {@code explain-tanh-per-step-softmax-bias-d2-H2-K2-sum-T3-s7}. */
    public String id() {
        return "explain-" + spec.label().replace('/', '-') + "-T" + steps + (initialState ? "-h0" : "") + "-s" + seed;
    }

    /** One line for a summary. */
    public String describe() {
        String states = spec.cell().hasCellState() ? (initialState ? "random h_{-1} and c_{-1}" : "h_{-1} = c_{-1} = 0")
                : (initialState ? "random h_{-1}" : "h_{-1} = 0");
        return String.format(Locale.ROOT, "%s, B=1, T=%d, %s, seed %d", spec.label(), steps, states, seed);
    }
}
