package org.bptt.api;

import java.util.List;
import java.util.Optional;

/**
 * A catalogue of classic mistakes in implementing an RNN and its BPTT, each a model of the wrong computation, so that
 * the harness can name the mistake behind a failing implementation: a mistake explains a failed case when the
 * implementation's numbers match its model while they differ from the exact ones. Found through
 * {@link java.util.ServiceLoader}, like the plugins; the harness never names a catalogue's class.
 */
public interface MistakeCatalogue {

    /** The catalogued mistakes, in a stable order, with unique names. */
    List<CataloguedMistake> mistakes();

    /**
     * The model of making both mistakes at once, or empty when they do not combine into a computation of their own
     * (for example when one replaces the very term the other changes).
     *
     * @param first  one of {@link #mistakes()}
     * @param second another of {@link #mistakes()}
     */
    Optional<WrongComputation> together(CataloguedMistake first, CataloguedMistake second);
}
