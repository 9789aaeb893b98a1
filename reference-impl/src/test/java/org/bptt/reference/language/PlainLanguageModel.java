package org.bptt.reference.language;

import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.TokenBatch;

/**
 * The language model's forward pass written the plainest way, with the one-hot product e_t = L x_t done in full and
 * index loops only (no EJML, nothing shared with {@link RnnLanguageModel}): an independent second opinion on the
 * loss, the hidden states and the probabilities, and the source of the pre-activations z_t (for keeping ReLU cases
 * away from the kink).
 */
final class PlainLanguageModel {

    /** h_t, ŷ_t per sequence and step, Σ J, and the smallest |z_t| element seen. */
    final double[][][] hiddenStates;
    final double[][][] probabilities;
    final double lossSum;
    final double smallestAbsolutePreActivation;

    PlainLanguageModel(LanguageModelSpec spec, LanguageModelParameters p, TokenBatch batch) {
        int v = spec.vocabularySize();
        int e = spec.embeddingSize();
        int h = spec.hiddenSize();
        hiddenStates = new double[batch.batchSize()][][];
        probabilities = new double[batch.batchSize()][][];
        double loss = 0;
        double smallest = Double.POSITIVE_INFINITY;
        for (int b = 0; b < batch.batchSize(); b++) {
            int steps = batch.steps(b);
            hiddenStates[b] = new double[steps][h];
            probabilities[b] = new double[steps][v];
            double[] previous = new double[h];
            for (int t = 0; t < steps; t++) {
                double[] oneHot = new double[v];
                oneHot[batch.input(b, t)] = 1;
                double[] embedding = new double[e];
                for (int i = 0; i < e; i++) {
                    for (int k = 0; k < v; k++) {
                        embedding[i] += p.L().get(i, k) * oneHot[k];
                    }
                }
                for (int j = 0; j < h; j++) {
                    double z = p.b1().get(j);
                    for (int i = 0; i < e; i++) {
                        z += p.We().get(j, i) * embedding[i];
                    }
                    for (int i = 0; i < h; i++) {
                        z += p.Wh().get(j, i) * previous[i];
                    }
                    smallest = Math.min(smallest, Math.abs(z));
                    hiddenStates[b][t][j] = spec.activation().apply(z);
                }
                double[] logits = new double[v];
                double sum = 0;
                for (int k = 0; k < v; k++) {
                    logits[k] = p.b2().get(k);
                    for (int j = 0; j < h; j++) {
                        logits[k] += p.U().get(k, j) * hiddenStates[b][t][j];
                    }
                    sum += Math.exp(logits[k]);
                }
                for (int k = 0; k < v; k++) {
                    probabilities[b][t][k] = Math.exp(logits[k]) / sum;
                }
                loss -= Math.log(probabilities[b][t][batch.target(b, t)]);
                previous = hiddenStates[b][t];
            }
        }
        lossSum = loss;
        smallestAbsolutePreActivation = smallest;
    }
}
