package org.bptt.experiments.reproduce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bptt.api.InvalidInputException;
import org.bptt.experiments.train.SgdTrainer;

/**
 * What one grid cell did, as its checkpoint file holds it: the held-out measurements, where it diverged, or the
 * plugin's failure. The text form round-trips every double exactly ({@link Double#toString}), so tables built from
 * checkpoint files read back are the tables of the run that wrote them, on any machine.
 *
 * @param key            the cell's {@link GridCell#key()}
 * @param implementation the id of the implementation that trained it (another one, or another version, rounds
 *                       differently, and 20 000 SGD steps carry the difference into another trajectory)
 * @param evaluations    in order of step (empty when the plugin failed)
 * @param divergedAtStep the step at which a value became non-finite, or -1
 * @param divergence     what became non-finite, or empty
 * @param error          the plugin's failure, or empty
 */
public record CellResult(String key, String implementation, List<SgdTrainer.Evaluation> evaluations, int divergedAtStep, String divergence,
                         String error) {

    private static final String HEADER = "bptt-reproduce-cell 2";

    public CellResult {
        evaluations = List.copyOf(evaluations);
        divergence = oneLine(divergence);
        error = oneLine(error);
    }

    public boolean failed() {
        return !error.isEmpty();
    }

    /** The first evaluation at which every held-out sequence was correct, or null. */
    public SgdTrainer.Evaluation firstSolved() {
        return evaluations.stream().filter(evaluation -> evaluation.successRate() == 1.0).findFirst().orElse(null);
    }

    /** The last evaluation, or null when the plugin failed. */
    public SgdTrainer.Evaluation last() {
        return evaluations.isEmpty() ? null : evaluations.get(evaluations.size() - 1);
    }

    /** The checkpoint file's text. */
    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append(HEADER).append('\n');
        text.append("key=").append(key).append('\n');
        text.append("implementation=").append(implementation).append('\n');
        text.append("diverged_at_step=").append(divergedAtStep).append('\n');
        text.append("divergence=").append(divergence).append('\n');
        text.append("error=").append(error).append('\n');
        for (SgdTrainer.Evaluation evaluation : evaluations) {
            text.append(String.format(Locale.ROOT, "evaluation=%d,%s,%s,%s%n", evaluation.step(),
                    Double.toString(evaluation.loss()), Double.toString(evaluation.successRate()),
                    Double.toString(evaluation.meanSquaredError())));
        }
        return text.toString();
    }

    /**
     * Reads {@link #toText()}'s form.
     *
     * @param where names the file in the message of a malformed one
     * @throws InvalidInputException when the text is not a checkpoint
     */
    public static CellResult parse(String text, String where) {
        String[] lines = text.split("\n", -1);
        InvalidInputException.require(lines.length >= 6 && lines[0].equals(HEADER),
                "%s is not a reproduction checkpoint (its first line is not '%s')", where, HEADER);
        try {
            String key = value(lines[1], "key", where);
            String implementation = value(lines[2], "implementation", where);
            int diverged = Integer.parseInt(value(lines[3], "diverged_at_step", where));
            String divergence = value(lines[4], "divergence", where);
            String error = value(lines[5], "error", where);
            List<SgdTrainer.Evaluation> evaluations = new ArrayList<>();
            for (int i = 6; i < lines.length; i++) {
                if (lines[i].isEmpty()) {
                    continue;
                }
                String[] fields = value(lines[i], "evaluation", where).split(",");
                InvalidInputException.require(fields.length == 4, "%s line %d: an evaluation has 4 fields", where, i + 1);
                evaluations.add(new SgdTrainer.Evaluation(Integer.parseInt(fields[0]), Double.parseDouble(fields[1]),
                        Double.parseDouble(fields[2]), Double.parseDouble(fields[3])));
            }
            return new CellResult(key, implementation, evaluations, diverged, divergence, error);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(where + ": a number is malformed: " + e.getMessage());
        }
    }

    private static String value(String line, String name, String where) {
        InvalidInputException.require(line.startsWith(name + "="), "%s: expected '%s=…', got '%s'", where, name, line);
        return line.substring(name.length() + 1);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replace('\n', ' ').replace('\r', ' ');
    }
}
