package org.bptt.core.gradcheck;

import java.util.Locale;

/**
 * The finite-difference check of one gradient: of a declared parameter (dL/dU, dL/dW_f, ...), dL/dx, dL/dh_{-1}
 * or dL/dc_{-1}.
 *
 * @param name             the parameter's name ({@code U}, {@code W_f}, ...), or {@code x}, {@code h0} or
 *                         {@code c0} (the LSTM's initial cell state)
 * @param elements         how many elements the tensor has that could be checked (for x: unmasked steps only)
 * @param checked          how many elements were compared with a finite difference
 * @param skipped          how many sampled elements were skipped (a ReLU kink inside the stencil)
 * @param maxRelativeError the largest |a − n| / max(|a|, |n|, floor) over the checked elements (0 when none)
 * @param maxAbsoluteError the largest |a − n| over the checked elements
 * @param worstIndex       the index of the element with the largest relative error, e.g. {@code [row=1, col=2]}, or ""
 * @param analytic         the implementation's gradient at that element
 * @param numeric          the finite difference at that element
 * @param note             why elements were skipped or why nothing was checked; "" when there is nothing to say
 */
public record ParameterCheck(String name, int elements, int checked, int skipped, double maxRelativeError,
                             double maxAbsoluteError, String worstIndex, double analytic, double numeric, String note) {

    public boolean passed(double relativeTolerance) {
        return maxRelativeError <= relativeTolerance;
    }

    public String describe() {
        String text = String.format(Locale.ROOT, "dL/d%s: %d of %d elements checked, max rel %.2e, max abs %.2e",
                name, checked, elements, maxRelativeError, maxAbsoluteError);
        if (!worstIndex.isEmpty()) {
            text += String.format(Locale.ROOT, " at %s (analytic %s, numeric %s)", worstIndex, analytic, numeric);
        }
        return note.isEmpty() ? text : text + "; " + note;
    }
}
