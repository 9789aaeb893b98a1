package org.bptt.coursework;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bptt.api.CataloguedMistake;
import org.bptt.api.Case;
import org.bptt.api.DataType;
import org.bptt.api.ExactComputation;
import org.bptt.api.Quantity;
import org.bptt.api.Results;
import org.bptt.api.Tensor;
import org.bptt.api.WrongComputation;
import org.bptt.core.compare.IndexLabels;
import org.bptt.core.compare.TensorComparator;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.diagnose.Diagnosis;
import org.bptt.core.diagnose.MistakeCatalogues;

/**
 * Names the mistake behind a student's wrong hand-computed answers: each catalogued mistake's model (then the pairs,
 * if no single one does) is run on the example, and it explains the answers when every wrong answer matches the
 * model's value and every right one does too, within the sheet's tolerance. The answers a model can be asked about
 * are the loss ({@code L}), {@code h_t}, {@code y_t}, {@code dL/dh_t}, {@code dL/dx_t} and the parameter gradients
 * {@code dL/dθ}; a wrong answer of another name (a tape step {@code a_t}, a forward-mode entry) is explained by no
 * model, and the diagnosis says so.
 */
public final class AnswerDiagnosis {

    private static final Pattern STEP = Pattern.compile("(h|y|dL/dh|dL/dx)_\\{?(\\d+)}?");

    private AnswerDiagnosis() {
    }

    /**
     * The diagnosis of {@code check}'s wrong answers, or empty when every answer is right.
     *
     * @param tolerance the sheet's tolerance policy, as the check used it
     * @param exact     the reference, for models that build on it
     */
    public static Optional<Diagnosis> of(AnswerCheck check, Explanation explanation, TolerancePolicy tolerance,
                                         MistakeCatalogues catalogues, ExactComputation exact) {
        List<AnswerCheck.Result> wrong = check.results().stream().filter(r -> !r.right()).toList();
        if (wrong.isEmpty()) {
            return Optional.empty();
        }
        Case example = explanation.source();
        TensorComparator comparator = new TensorComparator(tolerance);
        List<List<CataloguedMistake>> explanations = new ArrayList<>();
        for (CataloguedMistake mistake : catalogues.mistakes()) {
            if (explains(mistake.model(), check, example, comparator, exact)) {
                explanations.add(List.of(mistake));
            }
        }
        if (explanations.isEmpty()) {
            for (MistakeCatalogues.Pair pair : catalogues.pairs()) {
                if (explains(pair.model(), check, example, comparator, exact)) {
                    explanations.add(List.of(pair.first(), pair.second()));
                }
            }
        }
        if (!explanations.isEmpty()) {
            return Optional.of(new Diagnosis(explanations, ""));
        }
        return Optional.of(new Diagnosis(List.of(), Diagnosis.NONE
                + wrong.stream().map(AnswerCheck.Result::name).collect(Collectors.joining(", "))
                + "; first difference at tape step " + wrong.get(0).departsAt()));
    }

    private static boolean explains(WrongComputation model, AnswerCheck check, Case example, TensorComparator comparator,
                                    ExactComputation exact) {
        Results predicted;
        try {
            predicted = model.predict(example.spec(), example.parameters(), example.batch(), null, exact);
        } catch (RuntimeException e) {
            return false;                                   // a model that does not cover the example explains nothing
        }
        for (AnswerCheck.Result answer : check.results()) {
            Tensor value = predictedValue(answer.name(), predicted, example);
            if (value == null || value.length() != answer.given().length()) {
                if (!answer.right()) {
                    return false;                           // a wrong answer the model says nothing about
                }
                continue;
            }
            Tensor shaped = new Tensor(answer.given().shape().clone(), value.data().clone());
            boolean matches = comparator.compare(new Quantity(answer.name()), shaped, answer.given(), null,
                    IndexLabels.generic(shaped.rank()), DataType.FLOAT64, example.batch().steps()).passed();
            if (!matches) {
                return false;
            }
        }
        return true;
    }

    /** The model's value of the answer called {@code name} (of the example's one sequence), or null if it has none. */
    static Tensor predictedValue(String name, Results predicted, Case example) {
        String key = name.replace("∂", "d").replaceAll("\\s+", "");
        if (key.equals("L") || key.equals("loss")) {
            return Tensor.of(new double[] {predicted.gradients().loss()}, 1);
        }
        if (key.startsWith("dL/d") && example.spec().parameterNames().contains(key.substring(4))) {
            return predicted.gradients().parameterGradients().get(key.substring(4));
        }
        Matcher step = STEP.matcher(key);
        if (!step.matches()) {
            return null;
        }
        int t = Integer.parseInt(step.group(2));
        if (t >= example.batch().steps()) {
            return null;
        }
        return switch (step.group(1)) {
            case "h" -> row(predicted.forward().hiddenStates(), t);
            case "dL/dh" -> row(predicted.gradients().hiddenStateGradients(), t);
            case "dL/dx" -> row(predicted.gradients().inputGradients(), t);
            default -> example.spec().head().lastStepOnly()
                    ? (t == example.batch().steps() - 1 ? predicted.forward().outputs() : null)
                    : row(predicted.forward().outputs(), t);
        };
    }

    /** Step t of sequence 0 of a {@code [B, T, n]} tensor. */
    private static Tensor row(Tensor tensor, int t) {
        if (tensor == null) {
            return null;
        }
        int size = tensor.size(2);
        int offset = tensor.offset(0, t, 0);
        return Tensor.of(java.util.Arrays.copyOfRange(tensor.data(), offset, offset + size), size);
    }
}
