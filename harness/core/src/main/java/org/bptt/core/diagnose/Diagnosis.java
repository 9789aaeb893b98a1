package org.bptt.core.diagnose;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bptt.api.CataloguedMistake;

/**
 * What the diagnosis of one failed case found: the catalogued mistakes, or pairs of them, that explain every failed
 * quantity (alternatives, when several give the same numbers), or that none does, and where the first difference is.
 * {@link #describe()} is the text a {@link org.bptt.core.verify.CaseResult} carries, which starts with the names of
 * the alternatives ({@code a or b + c: …}) so that {@link #explanationsIn} can read them back.
 *
 * @param explanations the alternatives, each one mistake or two made at once; empty when none explains the case
 * @param unexplained  when {@code explanations} is empty: which failed quantities no mistake explains and the first
 *                     difference; empty otherwise
 */
public record Diagnosis(List<List<CataloguedMistake>> explanations, String unexplained) {

    /** What the text of a case that no catalogued mistake explains starts with. */
    public static final String NONE = "no catalogued mistake explains ";
    /** Between two alternatives in the text. */
    public static final String OR = " or ";
    /** Between two mistakes made at once. */
    public static final String AND = " + ";
    /** After the names of the alternatives. */
    private static final String NAMES_END = ": ";

    public Diagnosis {
        explanations = explanations.stream().map(List::copyOf).toList();
    }

    /** True when some mistake, or pair, explains every failed quantity. */
    public boolean explained() {
        return !explanations.isEmpty();
    }

    /**
     * One line: {@code name or name + name: what each of the first alternative's mistakes computes wrongly (enters at
     * the line of the derivation)}, or {@code no catalogued mistake explains dL/dW; first difference at …}.
     */
    public String describe() {
        if (!explained()) {
            return unexplained;
        }
        String names = explanations.stream().map(Diagnosis::name).collect(Collectors.joining(OR));
        String details = explanations.get(0).stream()
                .map(m -> m.description() + " (enters at " + m.entersAt() + ")")
                .collect(Collectors.joining("; "));
        return names + NAMES_END + details;
    }

    /** The name of one alternative: its mistakes' names joined by " + ". */
    public static String name(List<CataloguedMistake> mistakes) {
        return mistakes.stream().map(CataloguedMistake::name).collect(Collectors.joining(AND));
    }

    /**
     * The alternatives named at the start of a {@link #describe()} text, each as the set of its mistakes' names;
     * empty for an empty text or one that no mistake explains.
     */
    public static List<Set<String>> explanationsIn(String diagnosis) {
        if (diagnosis == null || diagnosis.isEmpty() || diagnosis.startsWith(NONE) || !diagnosis.contains(NAMES_END)) {
            return List.of();
        }
        String names = diagnosis.substring(0, diagnosis.indexOf(NAMES_END));
        return Arrays.stream(names.split(OR))
                .map(alternative -> Set.copyOf(Arrays.asList(alternative.split("\\s*\\+\\s*"))))
                .toList();
    }
}
