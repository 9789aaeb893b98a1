package org.bptt.core.verify;

import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;

/**
 * What one plugin returned for one case.
 *
 * @param forward   the result of {@code forward()}, or null for truncated BPTT (which calls
 *                  {@code truncatedGradients()} alone)
 * @param gradients the result of {@code gradients()} or {@code truncatedGradients()}
 */
record Results(ForwardResult forward, GradientResult gradients) {
}
