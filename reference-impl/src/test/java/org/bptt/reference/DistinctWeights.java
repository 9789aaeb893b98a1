package org.bptt.reference;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;

/**
 * Weights whose every element, across all parameters, has a different magnitude, so that a swapped gate, a swapped
 * bias or a transposed matrix cannot give the right answer by symmetry. Element k of the declared parameters laid
 * end to end is ±(0.1 + 0.8 · frac(k φ)) / √n, with φ the golden ratio (whose multiples' fractional parts are all
 * different), n the fan-in (d for input weights, H for recurrent and output weights, 1 for biases and peepholes),
 * and the sign alternating with k.
 */
final class DistinctWeights {

    private static final double GOLDEN_RATIO = (1 + Math.sqrt(5)) / 2;

    private DistinctWeights() {
    }

    static Parameters of(ModelSpec spec) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Set<Double> magnitudes = new HashSet<>();
        int k = 0;
        for (ParameterDeclaration declaration : spec.parameters()) {
            Tensor tensor = Tensor.zeros(declaration.shape());
            double fanIn = declaration.shape().length == 2 ? declaration.shape()[1] : 1;
            for (int i = 0; i < tensor.length(); i++, k++) {
                double fraction = k * GOLDEN_RATIO - Math.floor(k * GOLDEN_RATIO);
                double magnitude = (0.1 + 0.8 * fraction) / Math.sqrt(fanIn);
                tensor.data()[i] = k % 2 == 0 ? magnitude : -magnitude;
                if (!magnitudes.add(magnitude)) {
                    throw new AssertionError("two weights of magnitude " + magnitude);
                }
            }
            tensors.put(declaration.name(), tensor);
        }
        return new Parameters(tensors);
    }
}
