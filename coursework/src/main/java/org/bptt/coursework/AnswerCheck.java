package org.bptt.coursework;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bptt.api.DataType;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Quantity;
import org.bptt.api.Tensor;
import org.bptt.core.compare.IndexLabels;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TensorComparator;

/**
 * Checks a student's answers against the tape: each is right when every element is within the sheet's tolerance
 * policy (the harness's {@link org.bptt.core.compare.TolerancePolicy}, √T growth included), else wrong, with the
 * correct value, the worst element and the step where the student's computation first departs.
 *
 * <p>"First departs" is the earliest step of the computation (forward tape, then forward mode, then reverse sweep;
 * see {@link TapeQuantities}) among the wrong answers this answer depends on, itself included. A wrong h_2 alone
 * departs at the tape step that computes h_2; a wrong h_2 with a wrong h_1 departs at h_1's step, since h_2 was
 * computed from it; a wrong dL/dW with a wrong h_1 departs at h_1 too. Giving intermediate values (a_t, o_t,
 * dL/dh_t, ...) narrows the step down.
 *
 * @param results one per answer, in the file's order
 */
public record AnswerCheck(List<Result> results) {

    /**
     * The verdict on one answer.
     *
     * @param name            the quantity as the student named it
     * @param right           within tolerance everywhere
     * @param comparison      the element-wise comparison (worst element, errors, allowance)
     * @param expected        the correct value
     * @param given           the student's value
     * @param departsAt       for a wrong answer, the step where it first departs, e.g. {@code w_7 = tanh(w_6)   (h_1)};
     *                        null for a right one
     * @param departsThrough  for a wrong answer whose departure is at another of the student's wrong answers, that
     *                        answer's name; null otherwise
     */
    public record Result(String name, boolean right, QuantityComparison comparison, Tensor expected, Tensor given,
                         String departsAt, String departsThrough) {

        /** One paragraph for the terminal and the report. */
        public String describe() {
            if (right) {
                return "RIGHT  " + name + " (" + comparison.describe() + ")";
            }
            StringBuilder text = new StringBuilder("WRONG  " + name + ": correct value " + format(expected) + ", yours "
                    + format(given) + "\n       largest error: " + comparison.worst().describe()
                    + (comparison.failed() > 1 ? " [" + comparison.failed() + " of " + comparison.elements() + " elements wrong]" : "")
                    + "\n       first departs at tape step " + departsAt);
            if (departsThrough != null) {
                text.append("\n       (your ").append(departsThrough).append(" is already wrong there, and ").append(name)
                        .append(" depends on it)");
            }
            return text.toString();
        }
    }

    /**
     * Checks every answer of {@code sheet} against {@code explanation}, which must be of the sheet's example.
     *
     * @throws InvalidInputException for an unknown quantity name or a value of the wrong shape
     */
    public static AnswerCheck of(AnswerSheet sheet, Explanation explanation) {
        TapeQuantities quantities = new TapeQuantities(explanation.tape(), explanation.forwardMode());
        TensorComparator comparator = new TensorComparator(sheet.tolerance());
        int steps = explanation.steps();
        List<TapeQuantities.Quantity> resolved = new ArrayList<>();
        List<QuantityComparison> comparisons = new ArrayList<>();
        List<Tensor> given = new ArrayList<>();
        for (Map.Entry<String, Tensor> answer : sheet.answers().entrySet()) {
            TapeQuantities.Quantity quantity = quantities.resolve(answer.getKey());
            Tensor value = reshapeSingleElement(answer.getValue(), quantity.expected());
            if (!Arrays.equals(value.shape(), quantity.expected().shape())) {
                throw new InvalidInputException("answers: '" + answer.getKey() + "' has shape " + Arrays.toString(value.shape())
                        + ", expected " + Arrays.toString(quantity.expected().shape()) + " (" + shapeInWords(quantity.expected()) + ")");
            }
            resolved.add(quantity);
            given.add(value);
            comparisons.add(comparator.compare(new Quantity(answer.getKey()), quantity.expected(), value, null,
                    IndexLabels.generic(value.rank()), DataType.FLOAT64, steps));
        }
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < resolved.size(); i++) {
            TapeQuantities.Quantity quantity = resolved.get(i);
            QuantityComparison comparison = comparisons.get(i);
            if (comparison.passed()) {
                results.add(new Result(quantity.name(), true, comparison, quantity.expected(), given.get(i), null, null));
                continue;
            }
            int earliest = i;
            for (int j = 0; j < resolved.size(); j++) {
                int position = resolved.get(j).position();
                if (!comparisons.get(j).passed() && quantity.dependsOn().get(position)
                        && position < resolved.get(earliest).position()) {
                    earliest = j;
                }
            }
            results.add(new Result(quantity.name(), false, comparison, quantity.expected(), given.get(i),
                    quantities.describe(resolved.get(earliest).position()), earliest == i ? null : resolved.get(earliest).name()));
        }
        return new AnswerCheck(List.copyOf(results));
    }

    /** True when every answer is right. */
    public boolean allRight() {
        return results.stream().allMatch(Result::right);
    }

    /** The result for the answer called {@code name}. */
    public Result result(String name) {
        return results.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no answer called " + name));
    }

    /** A number given for a one-element vector, or a one-element array for a scalar, is accepted as that element. */
    private static Tensor reshapeSingleElement(Tensor value, Tensor expected) {
        if (value.length() == 1 && expected.length() == 1 && !Arrays.equals(value.shape(), expected.shape())) {
            return new Tensor(expected.shape().clone(), value.data());
        }
        return value;
    }

    private static String shapeInWords(Tensor expected) {
        return switch (expected.rank()) {
            case 0 -> "a number";
            case 1 -> "a flat array of " + expected.size(0);
            case 2 -> expected.size(0) + " rows of " + expected.size(1);
            default -> "nested arrays " + Arrays.toString(expected.shape());
        };
    }

    /** A tensor in the answers file's notation, 6 significant digits. */
    static String format(Tensor tensor) {
        StringBuilder text = new StringBuilder();
        append(tensor, 0, 0, text);
        return text.toString();
    }

    private static int append(Tensor tensor, int depth, int offset, StringBuilder text) {
        if (depth == tensor.rank()) {
            text.append(SmallMatrices.number(tensor.data()[offset]));
            return offset + 1;
        }
        text.append('[');
        for (int i = 0; i < tensor.size(depth); i++) {
            if (i > 0) {
                text.append(", ");
            }
            offset = append(tensor, depth + 1, offset, text);
        }
        text.append(']');
        return offset;
    }
}
