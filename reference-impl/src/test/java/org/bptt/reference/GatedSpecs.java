package org.bptt.reference;

import java.util.ArrayList;
import java.util.List;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.ModelSpec;
import org.bptt.api.ResetPlacement;

/** The gated cells with every combination of their options, for the tests. */
final class GatedSpecs {

    private GatedSpecs() {
    }

    /**
     * {@code base} as a GRU with its reset gate before and after the recurrent product, and as an LSTM without and
     * with peepholes, each without biases, with one bias vector per gate and with two: twelve models.
     */
    static List<ModelSpec> everyOption(ModelSpec base) {
        List<ModelSpec> specs = new ArrayList<>();
        for (int biasVectors = 0; biasVectors <= 2; biasVectors++) {
            ModelSpec withBiases = base.withBiases(biasVectors > 0);
            boolean twoBiases = biasVectors == 2;
            for (ResetPlacement placement : ResetPlacement.values()) {
                specs.add(withBiases.withCell(Cell.GRU, CellOptions.gru(placement, twoBiases)));
            }
            for (boolean peepholes : new boolean[] {false, true}) {
                specs.add(withBiases.withCell(Cell.LSTM, CellOptions.lstm(peepholes, twoBiases)));
            }
        }
        return specs;
    }
}
