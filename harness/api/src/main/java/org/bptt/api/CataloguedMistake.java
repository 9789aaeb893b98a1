package org.bptt.api;

import java.util.Objects;

/**
 * One classic mistake in implementing an RNN and its BPTT, with the model of the computation it gives.
 *
 * @param name     a short stable name, lower case with hyphens (e.g. {@code tanh-derivative-1-minus-h}): what reports
 *                 print and count students by; no spaces
 * @param entersAt the line of the derivation where the mistake enters, named as {@code bptt explain} prints the
 *                 tape and the BPTT table (e.g. {@code dL/da_t = f'(a_t) ⊙ dL/dh_t})
 * @param source   where the mistake is documented: a lecture's derivation or a public report of students making it
 *                 (a URL)
 * @param model    the computation with this one mistake; its {@link WrongComputation#description()} says what is
 *                 computed wrongly
 */
public record CataloguedMistake(String name, String entersAt, String source, WrongComputation model) {

    public CataloguedMistake {
        InvalidInputException.require(name != null && name.matches("[a-z0-9]+(-[a-z0-9]+)*"),
                "a mistake's name must be lower case words joined by hyphens, got '%s'", name);
        Objects.requireNonNull(entersAt, "entersAt");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(model, "model");
    }

    /** What is computed wrongly, in one line: the model's description. */
    public String description() {
        return model.description();
    }
}
