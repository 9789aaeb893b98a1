package org.bptt.api;

/**
 * A compared quantity: a tensor or scalar that an implementation and its oracle both produce and the harness
 * compares, such as the hidden states {@code h} or the gradient {@code dL/dW}. Its {@link #name()} is what reports,
 * tables and messages print, and what {@link RnnImplementation#knownDivergence} and
 * {@link LanguageModelImplementation#knownDivergence} are asked about.
 *
 * <p>The constants are the quantities every model has; a parameter's gradient is {@link #gradientOf} its name, so a
 * model with more parameters (another cell, the language model) brings its own gradients by naming its parameters.
 *
 * @param name the printed name, e.g. {@code h}, {@code loss (gradients)}, {@code dL/dW}
 */
public record Quantity(String name) {

    /** What every gradient's name starts with. */
    public static final String GRADIENT_PREFIX = "dL/d";

    /** The hidden states h_t. */
    public static final Quantity HIDDEN_STATES = new Quantity("h");
    /**
     * The cell states c_t of a cell that has them (the LSTM); printed {@code c_t}, not {@code c}, so that it is not
     * read as the head's bias {@code c} (whose gradient is {@code dL/dc}).
     */
    public static final Quantity CELL_STATES = new Quantity("c_t");
    /** The outputs y_t (or the language model's predicted distributions ŷ_t). */
    public static final Quantity OUTPUTS = new Quantity("y");
    /** The loss returned by the forward pass. */
    public static final Quantity LOSS = new Quantity("loss");
    /** The loss returned together with the gradients. */
    public static final Quantity GRADIENT_LOSS = new Quantity("loss (gradients)");
    /** dL/dx_t, the gradient reaching the inputs. */
    public static final Quantity INPUT_GRADIENTS = new Quantity("dL/dx");
    /** dL/dh_{-1}, the gradient reaching the initial state. */
    public static final Quantity INITIAL_STATE_GRADIENTS = new Quantity("dL/dh_{-1}");
    /** dL/dc_{-1}, the gradient reaching the initial cell state of a cell that has one (the LSTM). */
    public static final Quantity INITIAL_CELL_STATE_GRADIENTS = new Quantity("dL/dc_{-1}");
    /** dL/dh_t, the total gradient reaching each hidden state. */
    public static final Quantity HIDDEN_STATE_GRADIENTS = new Quantity("dL/dh");

    public Quantity {
        InvalidInputException.require(name != null && !name.isBlank(), "a quantity needs a name");
    }

    /** The gradient of the loss with respect to the parameter called {@code parameterName}: {@code dL/d<name>}. */
    public static Quantity gradientOf(String parameterName) {
        InvalidInputException.require(parameterName != null && !parameterName.isBlank(), "a gradient needs a parameter name");
        return new Quantity(GRADIENT_PREFIX + parameterName);
    }

    /** True for {@link #LOSS} and {@link #GRADIENT_LOSS}. */
    public boolean isLoss() {
        return equals(LOSS) || equals(GRADIENT_LOSS);
    }

    /** True for every gradient {@code dL/d…}: of a parameter, of the inputs, of the initial or the hidden states. */
    public boolean isGradient() {
        return name.startsWith(GRADIENT_PREFIX);
    }

    /** The name, as reports print it. */
    @Override
    public String toString() {
        return name;
    }
}
