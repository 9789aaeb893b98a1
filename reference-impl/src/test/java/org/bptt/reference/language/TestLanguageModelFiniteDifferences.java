package org.bptt.reference.language;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Locale;
import org.bptt.api.Activation;
import org.bptt.api.LanguageModelGradients;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.Tensor;
import org.bptt.api.TokenBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link LanguageModelBptt}'s gradients of every parameter against central differences of the loss,
 * (L(θ + ε) − L(θ − ε)) / 2ε with ε = 1e-5, for every activation, on two random small specs with ragged batches.
 *
 * <p>Tolerance: 1e-6 relative plus an absolute floor of 1e-9, as in the Elman RNN's finite-difference test: the
 * central difference's truncation error is about ε²/6 · |∂³L| ≈ 1e-11 and its rounding error about
 * 1e-16 · |L| / ε ≈ 1e-11 for a mean cross-entropy of order 1. ReLU cases are redrawn until every pre-activation is
 * at least 1e-3 from the kink, far beyond what a perturbation of 1e-5 can move it.
 */
class TestLanguageModelFiniteDifferences extends LanguageModelTestBase {

    private static final double EPSILON = 1e-5;
    private static final double RELATIVE = 1e-6;
    private static final double ABSOLUTE = 1e-9;

    @ParameterizedTest
    @EnumSource(Activation.class)
    void everyParameterSmallVocabulary(Activation activation) {
        check(new LanguageModelSpec(5, 3, 4, activation), 3, 7);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void everyParameterWiderEmbeddingThanHidden(Activation activation) {
        check(new LanguageModelSpec(9, 6, 2, activation), 2, 12);
    }

    private void check(LanguageModelSpec spec, int batchSize, int maxTokens) {
        LanguageModelParameters parameters;
        TokenBatch batch;
        int attempts = 0;
        do {
            parameters = randomParameters(spec, 0.8);
            batch = randomBatch(spec.vocabularySize(), batchSize, maxTokens);
            assertTrue(++attempts < 1000, "no ReLU case with pre-activations away from 0 in 1000 draws");
        } while (spec.activation() == Activation.RELU
                && new PlainLanguageModel(spec, parameters, batch).smallestAbsolutePreActivation < 1e-3);
        LanguageModelGradients gradients = LanguageModelBptt.gradients(new RnnLanguageModel(spec, parameters), batch);
        for (String name : LanguageModelParameters.NAMES) {
            Tensor variable = parameters.get(name).copy();
            LanguageModelParameters perturbed = parameters.with(name, variable);
            TokenBatch fixedBatch = batch;
            compare(spec.label() + " dL/d" + name, variable, gradients.gradients().get(name),
                    () -> new RnnLanguageModel(spec, perturbed).forward(fixedBatch).loss());
        }
    }

    /** Perturbs each element of {@code variable} in place (restoring it after) and compares with {@code gradient}. */
    private static void compare(String what, Tensor variable, Tensor gradient, java.util.function.DoubleSupplier loss) {
        int checked = 0;
        for (int i = 0; i < variable.length(); i++) {
            double original = variable.data()[i];
            variable.data()[i] = original + EPSILON;
            double plus = loss.getAsDouble();
            variable.data()[i] = original - EPSILON;
            double minus = loss.getAsDouble();
            variable.data()[i] = original;
            double difference = (plus - minus) / (2 * EPSILON);
            double analytic = gradient.data()[i];
            double allowed = RELATIVE * Math.max(Math.abs(difference), Math.abs(analytic)) + ABSOLUTE;
            if (!(Math.abs(difference - analytic) <= allowed)) {
                fail(String.format(Locale.ROOT, "%s%s: central difference %.12g, BPTT %.12g (error %.3g, allowed %.3g)",
                        what, Arrays.toString(gradient.indexOf(i)), difference, analytic,
                        Math.abs(difference - analytic), allowed));
            }
            checked += analytic != 0 ? 1 : 0;
        }
        assertTrue(checked > 0, what + ": every gradient element is zero, nothing was checked");
    }
}
