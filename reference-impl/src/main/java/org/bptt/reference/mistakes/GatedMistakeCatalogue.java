package org.bptt.reference.mistakes;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bptt.api.CataloguedMistake;
import org.bptt.api.MistakeCatalogue;
import org.bptt.api.WrongComputation;

/**
 * The catalogue of classic mistakes in implementing a GRU or an LSTM ({@link GatedMistake}), found by the harness
 * through {@link java.util.ServiceLoader}. Its mistakes are not combined in pairs.
 */
public final class GatedMistakeCatalogue implements MistakeCatalogue {

    private final List<CataloguedMistake> mistakes = Arrays.stream(GatedMistake.values())
            .map(m -> new CataloguedMistake(m.id(), m.entersAt(), m.source(), new GatedMistakeModel(m)))
            .toList();

    @Override
    public List<CataloguedMistake> mistakes() {
        return mistakes;
    }

    @Override
    public Optional<WrongComputation> together(CataloguedMistake first, CataloguedMistake second) {
        return Optional.empty();
    }
}
