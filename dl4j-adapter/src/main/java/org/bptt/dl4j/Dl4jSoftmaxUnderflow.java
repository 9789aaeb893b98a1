package org.bptt.dl4j;

import java.util.Locale;
import java.util.Optional;

import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.Tensor;

/**
 * Where ND4J's softmax returns NaN for a row whose logits all underflow (KNOWN_DIVERGENCES.md §5, an ND4J bug).
 * {@code ActivationSoftmax} on a C-ordered array of more than one row computes e^{o_k} / Σ_j e^{o_j} without
 * subtracting the row's maximum, so a row with every e^{o_k} = 0 (every logit below about −745 in double, −104 in
 * float) gives 0/0 = NaN; a single row, or an F-ordered array, gives the right answer. {@code LossMCXENT.scoreArray}
 * and {@code computeGradient} apply the softmax to {@code preOutput.dup()} (C order), and the {@code RnnOutputLayer}'s
 * pre-output has one row per (example, step), so DL4J's loss and every gradient become NaN while the outputs y of
 * its forward pass (softmax on the F-ordered array) stay right.
 *
 * <p>The logits o_t = V h_t + c are computed here in plain double from DL4J's own hidden states and the parameters
 * the adapter was given, so the test does not depend on the softmax under suspicion.
 */
final class Dl4jSoftmaxUnderflow {

    private Dl4jSoftmaxUnderflow() {
    }

    /**
     * The rows of DL4J's output layer (every example and step, masked or not: the loss function sees them all)
     * whose logits all underflow in the spec's precision, described (how many, and the first), or empty when there
     * are none or the head is not a softmax.
     *
     * @param hiddenStates what DL4J's output layer reads: its hidden states {@code [B, T, H]}, or in a stacked or
     *                     bidirectional network the top layer's output ({@code [B, T, 2H]} when concatenated). Not
     *                     modified.
     */
    static Optional<String> underflowedRows(ModelSpec spec, Parameters parameters, Tensor hiddenStates) {
        if (spec.head() == Head.LAST_STEP_SIGMOID) {
            return Optional.empty(); // a sigmoid, not a softmax
        }
        int batchSize = hiddenStates.size(0);
        int steps = hiddenStates.size(1);
        Tensor V = parameters.get(ParameterNames.V);
        int hiddenSize = V.size(1);
        int outputSize = spec.outputSize();
        Tensor c = parameters.get(ParameterNames.C);
        int underflowed = 0;
        String first = "";
        double[] logits = new double[outputSize];
        for (int sequence = 0; sequence < batchSize; sequence++) {
            for (int step = 0; step < steps; step++) {
                boolean allUnderflow = true;
                for (int output = 0; output < outputSize; output++) {
                    double logit = c == null ? 0 : c.get(output);
                    for (int j = 0; j < hiddenSize; j++) {
                        logit += V.get(output, j) * hiddenStates.get(sequence, step, j);
                    }
                    logits[output] = logit;
                    allUnderflow &= expUnderflows(logit, spec.dataType());
                }
                if (allUnderflow) {
                    if (underflowed == 0) {
                        first = String.format(Locale.ROOT, "o[b=%d, t=%d] = %s", sequence, step, describe(logits));
                    }
                    underflowed++;
                }
            }
        }
        if (underflowed == 0) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "%d of %d output rows, the first %s", underflowed,
                batchSize * steps, first));
    }

    /** True when e^{logit} rounds to zero in the arithmetic of {@code type}. */
    static boolean expUnderflows(double logit, DataType type) {
        return type == DataType.FLOAT32 ? (float) Math.exp(logit) == 0f : Math.exp(logit) == 0.0;
    }

    /** The explanation of a NaN loss or gradient (or y), given {@link #underflowedRows}. */
    static final String EXPLANATION = "ND4J bug: ActivationSoftmax on an array of more than one row (C order) does"
            + " not subtract the row's maximum, so a row whose logits all underflow exp gives 0/0 = NaN; DL4J's"
            + " LossMCXENT applies it to the RnnOutputLayer's pre-output (one row per example and step), so DL4J's"
            + " loss and gradients are NaN where the exact values are finite. " + Dl4jKnownDivergences.EVIDENCE + " §5.";

    /** The case's detail of {@link #EXPLANATION}: which rows of logits underflowed. */
    static String caseDetail(String underflowedRows) {
        return "underflowed logits (V h + c from DL4J's own h): " + underflowedRows;
    }

    private static String describe(double[] logits) {
        StringBuilder text = new StringBuilder("[");
        for (int k = 0; k < logits.length && k < 4; k++) {
            text.append(k == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g", logits[k]));
        }
        return text.append(logits.length > 4 ? ", ...]" : "]").toString();
    }
}
