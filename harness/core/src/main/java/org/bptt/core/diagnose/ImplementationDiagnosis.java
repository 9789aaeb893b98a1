package org.bptt.core.diagnose;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;

/**
 * Which catalogued mistakes explain all of one implementation's failures: the smallest sets of mistakes such that
 * every failed case has an explanation made of them alone. A student who made two mistakes has cases that show one
 * of them (diagnosed with it alone) and cases that show both (diagnosed with the pair); the set of both covers all.
 *
 * @param explanations the smallest covering sets of mistake names, each sorted, as alternatives; empty when some
 *                     failed case has no explanation, or when nothing failed
 * @param failedCases  how many cases failed
 * @param unexplained  how many of them no catalogued mistake explains
 */
public record ImplementationDiagnosis(List<Set<String>> explanations, int failedCases, int unexplained) {

    public ImplementationDiagnosis {
        explanations = explanations.stream().map(Set::copyOf).toList();
    }

    /** The diagnosis of an implementation from its results (other implementations' results are not to be mixed in). */
    public static ImplementationDiagnosis of(Collection<CaseResult> results) {
        List<List<Set<String>>> perCase = results.stream().filter(r -> r.status() == Status.FAILED)
                .map(r -> Diagnosis.explanationsIn(r.diagnosis())).toList();
        int unexplained = (int) perCase.stream().filter(List::isEmpty).count();
        if (perCase.isEmpty() || unexplained > 0) {
            return new ImplementationDiagnosis(List.of(), perCase.size(), unexplained);
        }
        Set<Set<String>> candidates = new LinkedHashSet<>();
        List<Set<String>> alternatives = perCase.stream().flatMap(List::stream).distinct().toList();
        for (Set<String> one : alternatives) {
            candidates.add(new TreeSet<>(one));
            for (Set<String> other : alternatives) {
                Set<String> union = new TreeSet<>(one);
                union.addAll(other);
                candidates.add(union);
            }
        }
        List<Set<String>> covering = candidates.stream()
                .filter(candidate -> perCase.stream().allMatch(options -> options.stream().anyMatch(candidate::containsAll)))
                .toList();
        int smallest = covering.stream().mapToInt(Set::size).min().orElse(0);
        List<Set<String>> minimal = new ArrayList<>();
        covering.stream().filter(c -> c.size() == smallest).forEach(minimal::add);
        return new ImplementationDiagnosis(minimal, perCase.size(), 0);
    }

    /** True when some set of catalogued mistakes explains every failed case. */
    public boolean explained() {
        return !explanations.isEmpty();
    }

    /** The alternatives as text: {@code a + b or c}; empty when none. */
    public String names() {
        return explanations.stream().map(set -> String.join(Diagnosis.AND, new TreeSet<>(set)))
                .collect(Collectors.joining(Diagnosis.OR));
    }

    /**
     * One line: {@code a + b explain all 12 failed cases}, {@code no catalogued mistake explains all 12 failed cases
     * (3 unexplained)}, or empty when nothing failed.
     */
    public String describe() {
        if (failedCases == 0) {
            return "";
        }
        String cases = failedCases + " failed case" + (failedCases == 1 ? "" : "s");
        if (explained()) {
            return names() + " explain" + (explanations.size() == 1 && explanations.get(0).size() == 1 ? "s" : "")
                    + " all " + cases;
        }
        if (unexplained == 0) {
            return "the " + cases + " are explained by different mistakes, see each case";
        }
        return Diagnosis.NONE + "all " + cases + " (" + unexplained + " unexplained)";
    }
}
