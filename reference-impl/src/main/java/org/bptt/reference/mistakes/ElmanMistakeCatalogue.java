package org.bptt.reference.mistakes;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.bptt.api.CataloguedMistake;
import org.bptt.api.MistakeCatalogue;
import org.bptt.api.WrongComputation;

/**
 * The catalogue of classic mistakes in implementing an Elman RNN and its BPTT ({@link ElmanMistake}), found by the
 * harness through {@link java.util.ServiceLoader}. Any two combine, except where one mistake replaces the very term
 * the other changes: the gradient from the future dropped leaves nothing for W-instead-of-Wᵀ to pass on, the
 * two derivative mistakes rewrite the same f', and a hidden bias gradient never accumulated leaves nothing to
 * overwrite.
 */
public final class ElmanMistakeCatalogue implements MistakeCatalogue {

    private static final List<EnumSet<ElmanMistake>> EXCLUSIVE = List.of(
            EnumSet.of(ElmanMistake.FUTURE_GRADIENT_DROPPED, ElmanMistake.RECURRENT_WEIGHTS_NOT_TRANSPOSED),
            EnumSet.of(ElmanMistake.TANH_DERIVATIVE_WITHOUT_SQUARE, ElmanMistake.DERIVATIVE_OF_PRE_ACTIVATION),
            EnumSet.of(ElmanMistake.LOSS_AVERAGED_WHERE_SUMMED, ElmanMistake.AVERAGED_TWICE),
            EnumSet.of(ElmanMistake.HIDDEN_BIAS_GRADIENT_LOST, ElmanMistake.BIAS_GRADIENT_OVERWRITTEN));

    private final List<CataloguedMistake> mistakes = Arrays.stream(ElmanMistake.values())
            .map(m -> new CataloguedMistake(m.id(), m.entersAt(), m.source(), new ElmanMistakeModel(EnumSet.of(m))))
            .toList();

    @Override
    public List<CataloguedMistake> mistakes() {
        return mistakes;
    }

    @Override
    public Optional<WrongComputation> together(CataloguedMistake first, CataloguedMistake second) {
        ElmanMistake one = of(first);
        ElmanMistake other = of(second);
        if (one == null || other == null || one == other || EXCLUSIVE.contains(EnumSet.of(one, other))) {
            return Optional.empty();
        }
        return Optional.of(new ElmanMistakeModel(EnumSet.of(one, other)));
    }

    private static ElmanMistake of(CataloguedMistake mistake) {
        return Arrays.stream(ElmanMistake.values()).filter(m -> m.id().equals(mistake.name())).findFirst().orElse(null);
    }
}
