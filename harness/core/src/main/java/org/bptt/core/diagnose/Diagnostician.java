package org.bptt.core.diagnose;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.bptt.api.CataloguedMistake;
import org.bptt.api.ExactComputation;
import org.bptt.api.Results;
import org.bptt.api.WrongComputation;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.ExpectedOutputs;
import org.bptt.core.verify.WrongComputationCheck;

/**
 * Diagnoses a failed case: which catalogued mistake explains every quantity that failed. Each mistake's model is
 * checked once against the implementation's results ({@link WrongComputationCheck}); only when no single mistake
 * explains everything are the catalogue's pairs tried. A mistake explains a quantity when the implementation matches
 * the model's prediction of it to tolerance while differing from the exact value; it explains the case when it
 * explains every failed quantity and also predicts, to tolerance, the quantities the implementation got right.
 */
public final class Diagnostician {

    private final MistakeCatalogues catalogues;
    private final WrongComputationCheck check;

    public Diagnostician(MistakeCatalogues catalogues, TolerancePolicy policy) {
        this.catalogues = Objects.requireNonNull(catalogues, "catalogues");
        this.check = new WrongComputationCheck(policy);
    }

    /** The catalogues on the class path, judged under {@code policy}. */
    public static Diagnostician fromClassPath(TolerancePolicy policy) {
        return new Diagnostician(MistakeCatalogues.fromClassPath(), policy);
    }

    /**
     * The diagnosis of a failed case. Never throws for anything a model or the oracle does (a model that fails
     * explains nothing).
     *
     * @param actual       the implementation's results on {@code suiteCase}
     * @param againstExact the implementation's comparisons with the exact values, some of which failed
     * @param exact        the oracle, for models that build on it
     * @param compared     what both the implementation and the oracle offer
     */
    public Diagnosis diagnose(SuiteCase suiteCase, Results actual, List<QuantityComparison> againstExact,
                              ExactComputation exact, ExpectedOutputs compared) {
        List<QuantityComparison> failed = againstExact.stream().filter(c -> !c.passed()).toList();
        List<QuantityComparison> passed = againstExact.stream().filter(QuantityComparison::passed).toList();
        if (failed.isEmpty()) {
            return new Diagnosis(List.of(), "nothing failed");
        }
        List<List<CataloguedMistake>> explanations = new ArrayList<>();
        for (CataloguedMistake mistake : catalogues.mistakes()) {
            if (explainsAll(mistake.model(), suiteCase, actual, failed, passed, exact, compared)) {
                explanations.add(List.of(mistake));
            }
        }
        if (explanations.isEmpty()) {
            for (MistakeCatalogues.Pair pair : catalogues.pairs()) {
                if (explainsAll(pair.model(), suiteCase, actual, failed, passed, exact, compared)) {
                    explanations.add(List.of(pair.first(), pair.second()));
                }
            }
        }
        if (!explanations.isEmpty()) {
            return new Diagnosis(explanations, "");
        }
        return new Diagnosis(List.of(), Diagnosis.NONE
                + failed.stream().map(c -> c.quantity().name()).collect(Collectors.joining(", "))
                + "; first difference at " + failed.get(0).describe());
    }

    /**
     * True when the model explains every failed quantity and agrees with the implementation on the passed ones too: a
     * model that would also have changed a quantity the implementation got right is not what the implementation did.
     */
    private boolean explainsAll(WrongComputation model, SuiteCase suiteCase, Results actual,
                                List<QuantityComparison> failed, List<QuantityComparison> passed,
                                ExactComputation exact, ExpectedOutputs compared) {
        WrongComputationCheck.Match match = check.check(model, suiteCase, actual, exact, compared);
        return failed.stream().allMatch(match::explains) && passed.stream()
                .allMatch(c -> match.comparison(c.quantity()).map(QuantityComparison::passed).orElse(true));
    }
}
