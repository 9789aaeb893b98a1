package org.bptt.datasets;

import java.util.List;
import org.bptt.api.InvalidInputException;

/** The sequence tasks by id, for command lines and settings. */
public final class SequenceTasks {

    /** Every task id, in a stable order. */
    public static final List<String> IDS = List.of(AddingProblem.ID, TemporalOrderProblem.ID);

    private SequenceTasks() {
    }

    /**
     * The task called {@code id} with minimal length T.
     *
     * @throws InvalidInputException for an unknown id (the message lists the known ones) or a T the task refuses
     */
    public static SequenceTask create(String id, int minimalLength, boolean variableLength) {
        return switch (id == null ? "" : id.trim()) {
            case AddingProblem.ID -> new AddingProblem(minimalLength, variableLength);
            case TemporalOrderProblem.ID -> new TemporalOrderProblem(minimalLength, variableLength);
            default -> throw new InvalidInputException("unknown task '" + id + "'; expected one of " + String.join(", ", IDS));
        };
    }

    /** The smallest T the task called {@code id} accepts. */
    public static int minimumLength(String id) {
        return switch (id == null ? "" : id.trim()) {
            case AddingProblem.ID -> AddingProblem.MINIMUM_T;
            case TemporalOrderProblem.ID -> TemporalOrderProblem.MINIMUM_T;
            default -> throw new InvalidInputException("unknown task '" + id + "'; expected one of " + String.join(", ", IDS));
        };
    }
}
