package org.bptt.reference.mistakes;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.DocumentedLimitException;
import org.bptt.api.ExactComputation;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.Results;
import org.bptt.api.Truncation;
import org.bptt.api.WrongComputation;

/**
 * One or two {@link ElmanMistake}s made at once, as a {@link WrongComputation}: the Elman BPTT of
 * {@link MistakenElmanBptt} with those lines done wrongly. It covers one-layer forward Elman networks under full BPTT
 * (every case of the default suite's Elman grid); anything else is a documented limit, and it then explains nothing.
 */
public final class ElmanMistakeModel implements WrongComputation {

    private final Set<ElmanMistake> mistakes;

    public ElmanMistakeModel(Set<ElmanMistake> mistakes) {
        if (mistakes.isEmpty()) {
            throw new IllegalArgumentException("a mistake model needs at least one mistake");
        }
        this.mistakes = EnumSet.copyOf(mistakes);
    }

    public Set<ElmanMistake> mistakes() {
        return EnumSet.copyOf(mistakes);
    }

    @Override
    public String description() {
        return mistakes.stream().map(ElmanMistake::description).collect(Collectors.joining("; and "));
    }

    @Override
    public Results predict(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation,
                           ExactComputation exact) {
        if (spec.cell() != Cell.ELMAN || !spec.topology().single()) {
            throw new DocumentedLimitException("the catalogue's Elman mistakes cover one-layer forward Elman networks, not "
                    + spec.cell() + " with " + spec.layers() + " layer(s), " + spec.directions() + " direction(s)");
        }
        if (truncation != null) {
            throw new DocumentedLimitException("the catalogue's Elman mistakes cover full BPTT, not truncated BPTT");
        }
        if (mistakes.contains(ElmanMistake.TANH_DERIVATIVE_WITHOUT_SQUARE) && spec.activation() != Activation.TANH) {
            throw new DocumentedLimitException("tanh' written as 1 − h is a mistake of the tanh activation, not "
                    + spec.activation());
        }
        if (mistakes.contains(ElmanMistake.DERIVATIVE_OF_PRE_ACTIVATION)
                && spec.activation() != Activation.TANH && spec.activation() != Activation.SIGMOID) {
            // relu' and the identity's derivative are the same whether read from a_t or from h_t
            throw new DocumentedLimitException("f' at the pre-activation changes nothing for " + spec.activation());
        }
        return new MistakenElmanBptt(spec, parameters, mistakes).run(batch);
    }

    @Override
    public String toString() {
        return mistakes.stream().map(ElmanMistake::id).collect(Collectors.joining(" + "));
    }
}
