package org.bptt.api;

/**
 * The exact computation, as a {@link WrongComputation} may use it to build its prediction: the harness's oracle,
 * run in double precision through the same isolated calls as every plugin call. A call the oracle cannot answer
 * throws {@link PluginFailureException}, and the model then predicts nothing.
 */
public interface ExactComputation {

    /** The exact forward pass on {@code batch} (which may differ from the case's: zero labels, another mask, ...). */
    ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch);

    /** The exact loss and gradients (full BPTT). */
    GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch);

    /** The exact truncated-BPTT gradients as {@link Truncation} defines them. */
    GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation);
}
