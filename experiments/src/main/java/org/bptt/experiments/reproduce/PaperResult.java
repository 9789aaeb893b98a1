package org.bptt.experiments.reproduce;

/**
 * What a paper reports, as it prints it, where it prints it, and which of our cells it stands beside.
 *
 * @param task     the task of ours it concerns
 * @param length   the T it was measured at, or 0 when the paper's statement covers a range of lengths or none (then
 *                 no group of our cells stands beside it)
 * @param network  the network of ours it concerns, or null
 * @param method   the method of ours it concerns, or null
 * @param quantity what the number measures, or null for a statement without a number
 * @param value    the number on the scale of {@link Quantity}, or NaN
 * @param printed  the paper's own words or figure, e.g. {@code 1 out of 2560}
 * @param source   its section, table or figure, and how it was read
 */
public record PaperResult(String task, int length, Network network, Method method, Quantity quantity, double value,
                          String printed, String source) {

    /** What a reported number measures, on the scale of our tables. */
    public enum Quantity {
        /** Training sequences until the stopping criterion (ours: steps × batch until every held-out sequence was right). */
        SEQUENCES_UNTIL_CRITERION("training sequences until the criterion"),
        /** The fraction of test sequences processed wrongly at the end of training. */
        FRACTION_WRONG("fraction of test sequences wrong"),
        /** The fraction of runs (seeds) that solved the task. */
        SUCCESS_RATE("fraction of runs that solved the task"),
        /**
         * Training sequences until the mean squared error (on the scale of X1 + X2) was below 0.1; ours: steps × batch
         * until the first evaluation on the held-out batch below it.
         */
        SEQUENCES_TO_MSE_0_1("training sequences until the squared error was below 0.1");

        /** The squared error {@link #SEQUENCES_TO_MSE_0_1} counts the sequences to. */
        public static final double SQUARED_ERROR_THRESHOLD = 0.1;

        private final String description;

        Quantity(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** A number reported at one T for one network and method. */
    public static PaperResult number(String task, int length, Network network, Method method, Quantity quantity,
                                     double value, String printed, String source) {
        return new PaperResult(task, length, network, method, quantity, value, printed, source);
    }

    /** A statement that no group of our cells stands beside: a range of lengths, or a figure without printed values. */
    public static PaperResult statement(String task, String printed, String source) {
        return new PaperResult(task, 0, null, null, null, Double.NaN, printed, source);
    }

    /** Whether {@code cell} belongs to the group this result stands beside. */
    public boolean concerns(GridCell cell) {
        return quantity != null && length == cell.length() && cell.task().equals(task) && cell.network() == network
                && cell.method() == method;
    }
}
