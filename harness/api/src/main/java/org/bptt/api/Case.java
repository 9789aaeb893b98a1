package org.bptt.api;

/**
 * One verification case: a model, its weights and a batch, with where they came from.
 *
 * @param id          a stable, unique, file-name-safe name, e.g. {@code tanh-per-step-bias-B3-T17-s42}
 * @param description one human sentence about what the case exercises
 * @param spec        the model
 * @param parameters  the weights, in the equations' orientation
 * @param batch       inputs, targets, mask and initial state
 * @param seed        the seed the weights and batch were generated from (0 when they were given by hand)
 */
public record Case(String id, String description, ModelSpec spec, Parameters parameters, Batch batch, long seed) {

    /** Validates the parameters and the batch against the spec. */
    public void validate() {
        InvalidInputException.require(id != null && !id.isBlank(), "a case needs an id");
        parameters.validate(spec);
        batch.validate(spec);
    }
}
