package org.bptt.api;

import java.util.ArrayList;
import java.util.List;

/** Which steps produce a loss, and how the output is squashed. */
public enum Head {
    /** y_t = softmax(o_t) and a cross-entropy term at every (unmasked) step: many-to-many, the language model. */
    PER_STEP_SOFTMAX,
    /** softmax and cross-entropy at each sequence's last (unmasked) step only: many-to-one classification. */
    LAST_STEP_SOFTMAX,
    /** A single output, y = sigmoid(o), with binary cross-entropy at the last step: the sentiment example. K = 1. */
    LAST_STEP_SIGMOID;

    /** True when only the last step of each sequence has a loss term. */
    public boolean lastStepOnly() {
        return this != PER_STEP_SOFTMAX;
    }

    /**
     * The output layer's parameters, {@code o_t = V h_t + c}, the same for every head: {@code V [K, H]} and, with
     * biases, {@code c [K]}. In a stacked or bidirectional network V reads the top layer's output, so it is
     * {@code [K, 2H]} when the top layer's directions are concatenated.
     */
    public List<ParameterDeclaration> parameters(ModelSpec spec) {
        int h = spec.topology().layerOutputSize(spec.hiddenSize());
        int k = spec.outputSize();
        List<ParameterDeclaration> declared = new ArrayList<>();
        declared.add(new ParameterDeclaration(ParameterNames.V, List.of("K", spec.topology().layerOutputSymbol()), new int[] {k, h}, "hidden-to-output weights"));
        if (spec.biases()) {
            declared.add(new ParameterDeclaration(ParameterNames.C, List.of("K"), new int[] {k}, "output bias"));
        }
        return List.copyOf(declared);
    }
}
