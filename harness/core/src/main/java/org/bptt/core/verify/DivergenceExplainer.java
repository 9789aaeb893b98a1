package org.bptt.core.verify;

import java.util.Optional;
import org.bptt.api.Case;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.Quantity;
import org.bptt.api.TokenBatch;
import org.bptt.api.WrongComputation;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.plugins.IsolatedLanguageModel;
import org.bptt.core.plugins.IsolatedPlugin;

/**
 * Which known divergence is claimed for a failed comparison: the one place every command that compares (verify,
 * decay, lm) asks. It is asked about failed quantities only, so a claim for a quantity that passes changes nothing.
 * The plugin's own {@code knownDivergence} is called through its isolated call like every plugin method: a throw, a
 * hang, null or a blank description claim nothing, and the failure stays a failure.
 *
 * <p>A claim is a model of the wrong computation ({@link WrongComputation}); {@link CaseVerdict} checks it against
 * the implementation's numbers before it calls a failure known.
 */
public final class DivergenceExplainer {

    /** What the explanation of a claim without a model ({@link WrongComputation#unchecked}) starts with. */
    public static final String UNCHECKED = "unchecked: ";

    private DivergenceExplainer() {
    }

    /**
     * The known divergence claimed for a failure of {@code quantity} by {@code implementation} on {@code suiteCase},
     * if any: the first matching entry of {@code listed} (full BPTT only: its predicates see the case, not the
     * truncation), else the implementation's own {@link org.bptt.api.RnnImplementation#knownDivergence}.
     */
    public static Optional<WrongComputation> claim(KnownDivergences listed, IsolatedPlugin implementation,
                                                   SuiteCase suiteCase, Quantity quantity) {
        Case testCase = suiteCase.testCase();
        if (!suiteCase.isTruncated()) {
            Optional<KnownDivergence> entry = listed.match(implementation.id(), testCase, quantity);
            if (entry.isPresent()) {
                return Optional.of(entry.get().model());
            }
        }
        return implementation.knownDivergence(testCase.spec(), testCase.parameters(), testCase.batch(),
                suiteCase.truncation(), quantity);
    }

    /**
     * The explanation {@link #claim}ed, as text, without checking the numbers against its model: for commands that
     * compare something other than the case's results (the decay experiment's curves, gradcheck's finite
     * differences). An unchecked claim's text starts with {@link #UNCHECKED}.
     */
    public static Optional<String> explain(KnownDivergences listed, IsolatedPlugin implementation, SuiteCase suiteCase,
                                           Quantity quantity) {
        return claim(listed, implementation, suiteCase, quantity).map(DivergenceExplainer::explanation);
    }

    /** How reports name a claim: its model's description, marked when nothing checks it. */
    static String explanation(WrongComputation model) {
        return model.checked() ? model.description() : UNCHECKED + model.description();
    }

    /** Why {@code model} failed {@code quantity}, if it explains that: its own knownDivergence. */
    public static Optional<String> explain(IsolatedLanguageModel model, LanguageModelSpec spec,
                                           LanguageModelParameters parameters, TokenBatch batch, Quantity quantity) {
        return model.knownDivergence(spec, parameters, batch, quantity);
    }
}
