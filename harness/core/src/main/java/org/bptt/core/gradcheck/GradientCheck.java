package org.bptt.core.gradcheck;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The finite-difference check of all of one implementation's gradients on one case.
 *
 * @param caseId             the case
 * @param implementationId   the implementation whose gradients were checked
 * @param epsilon            the finite-difference step
 * @param relativeErrorFloor the floor of the relative error's denominator used for this case: floorFactor · max(1, |L|)
 * @param parameters         one check per gradient: the declared parameters in their order, then x, h0 and c0
 */
public record GradientCheck(String caseId, String implementationId, double epsilon, double relativeErrorFloor,
                            List<ParameterCheck> parameters) {

    public GradientCheck {
        parameters = List.copyOf(parameters);
    }

    /** True when every checked element's relative error is at most {@code relativeTolerance}. */
    public boolean passed(double relativeTolerance) {
        return parameters.stream().allMatch(check -> check.passed(relativeTolerance));
    }

    /** The gradient with the largest relative error. */
    public Optional<ParameterCheck> worst() {
        return parameters.stream().max(Comparator.comparingDouble(ParameterCheck::maxRelativeError));
    }

    /** The check of the gradient called {@code name} (a parameter, x, h0 or c0). */
    public Optional<ParameterCheck> parameter(String name) {
        return parameters.stream().filter(check -> check.name().equals(name)).findFirst();
    }

    /** One line per gradient. */
    public String describe() {
        return caseId + " (" + implementationId + "):\n  "
                + parameters.stream().map(ParameterCheck::describe).collect(Collectors.joining("\n  "));
    }
}
