package org.bptt.core.verify;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bptt.api.DocumentedLimitException;
import org.bptt.api.ExactComputation;
import org.bptt.api.PluginFailureException;
import org.bptt.api.Quantity;
import org.bptt.api.Results;
import org.bptt.api.WrongComputation;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TensorComparator;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.ExpectedOutputs;
import org.bptt.core.plugins.PluginCalls;

/**
 * Asks whether a {@link WrongComputation} produces exactly what an implementation returned: the model's prediction
 * is compared with the implementation's results quantity by quantity, under the same tolerances as the exact
 * comparison ({@link ResultComparator}). The one place where known divergences (a library's bug) and the diagnosis
 * of a failing implementation (a student's mistake) are judged.
 */
public final class WrongComputationCheck {

    private final ResultComparator comparator;

    public WrongComputationCheck(TolerancePolicy policy) {
        this.comparator = new ResultComparator(new TensorComparator(policy));
    }

    /**
     * The implementation's {@code actual} results compared with what {@code model} predicts on {@code suiteCase}.
     * Never throws for anything the model or the oracle does: a model that does not cover the case, throws or
     * predicts malformed results gives a {@link Match} that explains nothing, with the reason.
     *
     * @param compared what both the implementation and the oracle offer
     */
    public Match check(WrongComputation model, SuiteCase suiteCase, Results actual, ExactComputation exact,
                       ExpectedOutputs compared) {
        Objects.requireNonNull(model, "model");
        var testCase = suiteCase.testCase();
        Results predicted;
        try {
            predicted = model.predict(testCase.spec(), testCase.parameters(), testCase.batch(), suiteCase.truncation(),
                    exact);
            if (predicted == null) {
                return Match.notApplicable(model, "the model predicted nothing");
            }
            if (predicted.truncated() != actual.truncated()) {
                return Match.notApplicable(model, "the model predicted " + (predicted.truncated() ? "truncated" : "full")
                        + " BPTT's results");
            }
            return new Match(model, comparator.compare(predicted, actual, testCase.spec(), testCase.batch(), compared),
                    Optional.empty());
        } catch (DocumentedLimitException | PluginFailureException e) {
            return Match.notApplicable(model, e.getMessage());
        } catch (RuntimeException e) {
            return Match.notApplicable(model, "the model failed: " + PluginCalls.describe(e));
        }
    }

    /**
     * What a model predicts against what the implementation returned.
     *
     * @param model        the wrong computation
     * @param againstModel per compared quantity, the implementation's values against the model's (empty when the
     *                     model does not apply)
     * @param notApplicable why the model says nothing about this case, if it does not
     */
    public record Match(WrongComputation model, List<QuantityComparison> againstModel, Optional<String> notApplicable) {

        static Match notApplicable(WrongComputation model, String reason) {
            return new Match(model, List.of(), Optional.of(reason));
        }

        /** The implementation's {@code quantity} against the model's prediction, if compared. */
        public Optional<QuantityComparison> comparison(Quantity quantity) {
            return againstModel.stream().filter(c -> c.quantity().equals(quantity)).findFirst();
        }

        /**
         * True when the model explains a comparison with the exact values: the exact comparison failed and the
         * implementation matches the model's prediction of that quantity to tolerance.
         */
        public boolean explains(QuantityComparison againstExact) {
            return !againstExact.passed()
                    && comparison(againstExact.quantity()).map(QuantityComparison::passed).orElse(false);
        }
    }
}
