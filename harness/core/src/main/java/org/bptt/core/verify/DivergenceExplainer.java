package org.bptt.core.verify;

import java.util.Optional;
import org.bptt.api.Case;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.Quantity;
import org.bptt.api.TokenBatch;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.plugins.IsolatedLanguageModel;
import org.bptt.core.plugins.IsolatedPlugin;

/**
 * Why a failed comparison is a known divergence: the one place every command that compares (verify, decay, lm) asks.
 * It is asked about failed quantities only, so an explanation for a quantity that passes changes nothing. The
 * plugin's own {@code knownDivergence} is called through its isolated call like every plugin method: a throw, a hang,
 * null or a blank text explain nothing, and the failure stays a failure.
 */
public final class DivergenceExplainer {

    private DivergenceExplainer() {
    }

    /**
     * Why {@code implementation} failed {@code quantity} on {@code suiteCase}, if that is known: the first matching
     * entry of {@code listed} (full BPTT only: its predicates see the case, not the truncation), else the
     * implementation's own {@link org.bptt.api.RnnImplementation#knownDivergence}.
     */
    public static Optional<String> explain(KnownDivergences listed, IsolatedPlugin implementation, SuiteCase suiteCase,
                                           Quantity quantity) {
        Case testCase = suiteCase.testCase();
        if (!suiteCase.isTruncated()) {
            Optional<KnownDivergence> entry = listed.match(implementation.id(), testCase, quantity);
            if (entry.isPresent()) {
                return Optional.of(entry.get().explanation());
            }
        }
        return implementation.knownDivergence(testCase.spec(), testCase.parameters(), testCase.batch(),
                suiteCase.truncation(), quantity);
    }

    /** Why {@code model} failed {@code quantity}, if it explains that: its own knownDivergence. */
    public static Optional<String> explain(IsolatedLanguageModel model, LanguageModelSpec spec,
                                           LanguageModelParameters parameters, TokenBatch batch, Quantity quantity) {
        return model.knownDivergence(spec, parameters, batch, quantity);
    }
}
