package org.bptt.reference;

import static org.bptt.reference.TensorAssertions.assertClose;

import java.util.Map;
import org.bptt.api.Batch;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Tensor;
import org.junit.jupiter.api.Test;

/**
 * One step of a GRU and of an LSTM with one hidden unit (d = H = K = 1, the sigmoid head, L = J), written out by hand
 * from the package documentation's equations as scalar expressions: the forward values and every gradient, in
 * closed form, against both algorithms, to 1e-12 relative. Every weight and input is a different number, so that a
 * swapped gate or bias would show.
 */
class TestGatedClosedForms extends ReferenceTestBase {

    private static final double RELATIVE = 1e-12;

    private static final double X = 0.7;
    private static final double H0 = -0.35;
    private static final double C0 = 0.45;
    private static final double TARGET = 0.3;

    private static ModelSpec spec(Cell cell, CellOptions options) {
        return ModelSpec.of(1, 1, 1).withHead(Head.LAST_STEP_SIGMOID).withCell(cell, options);
    }

    private static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }

    private static Tensor scalar(double value, int... shape) {
        return Tensor.of(new double[] {value}, shape);
    }

    private static Parameters parameters(Map<String, Double> values, ModelSpec spec) {
        return Parameters.of(spec, declaration -> scalar(values.get(declaration.name()), declaration.shape()));
    }

    private static Batch batch(boolean withCellState) {
        return new Batch(scalar(X, 1, 1, 1), scalar(TARGET, 1, 1), null, scalar(H0, 1, 1),
                withCellState ? scalar(C0, 1, 1) : null);
    }

    @Test
    void gruWithTheResetGateBeforeAndAfterTheRecurrentProduct() {
        Map<String, Double> w = Map.ofEntries(
                Map.entry("U_r", 0.31), Map.entry("U_z", -0.52), Map.entry("U_n", 0.83),
                Map.entry("W_r", -0.44), Map.entry("W_z", 0.27), Map.entry("W_n", 0.61),
                Map.entry("b_r", 0.12), Map.entry("b_z", -0.09), Map.entry("b_n", 0.05),
                Map.entry("b_hr", -0.16), Map.entry("b_hz", 0.21), Map.entry("b_hn", -0.33),
                Map.entry("V", 1.37), Map.entry("c", -0.18));
        for (ResetPlacement placement : ResetPlacement.values()) {
            ModelSpec spec = spec(Cell.GRU, CellOptions.gru(placement, true));
            double r = sigmoid(w.get("U_r") * X + w.get("b_r") + w.get("W_r") * H0 + w.get("b_hr"));
            double z = sigmoid(w.get("U_z") * X + w.get("b_z") + w.get("W_z") * H0 + w.get("b_hz"));
            double q = w.get("W_n") * H0 + w.get("b_hn");                      // the recurrent product, reset after
            double aN = placement == ResetPlacement.AFTER
                    ? w.get("U_n") * X + w.get("b_n") + r * q
                    : w.get("U_n") * X + w.get("b_n") + w.get("W_n") * (r * H0) + w.get("b_hn");
            double n = Math.tanh(aN);
            double h = (1 - z) * n + z * H0;
            double y = sigmoid(w.get("V") * h + w.get("c"));
            double loss = -(TARGET * Math.log(y) + (1 - TARGET) * Math.log(1 - y));

            double dO = y - TARGET;
            double dH = w.get("V") * dO;
            double dAN = dH * (1 - z) * (1 - n * n);
            double dAZ = dH * (H0 - n) * z * (1 - z);
            double dR = placement == ResetPlacement.AFTER ? dAN * q : dAN * w.get("W_n") * H0;
            double dAR = dR * r * (1 - r);
            Map<String, Double> expected = Map.ofEntries(
                    Map.entry("U_r", dAR * X), Map.entry("U_z", dAZ * X), Map.entry("U_n", dAN * X),
                    Map.entry("W_r", dAR * H0), Map.entry("W_z", dAZ * H0), Map.entry("W_n", dAN * r * H0),
                    Map.entry("b_r", dAR), Map.entry("b_z", dAZ), Map.entry("b_n", dAN),
                    Map.entry("b_hr", dAR), Map.entry("b_hz", dAZ),
                    Map.entry("b_hn", placement == ResetPlacement.AFTER ? dAN * r : dAN),
                    Map.entry("V", dO * h), Map.entry("c", dO));
            double dX = dAN * w.get("U_n") + dAR * w.get("U_r") + dAZ * w.get("U_z");
            double dH0 = dH * z + dAN * r * w.get("W_n") + dAR * w.get("W_r") + dAZ * w.get("W_z");

            String what = spec.label();
            Parameters parameters = parameters(w, spec);
            ForwardResult forward = new RecurrentNetwork(spec, parameters).forward(batch(false));
            assertClose(what + " h", h, forward.hiddenStates().get(0, 0, 0), RELATIVE, 0);
            assertClose(what + " y", y, forward.outputs().get(0, 0), RELATIVE, 0);
            for (GradientResult gradients : new GradientResult[] {
                    AggregatedBptt.gradients(spec, parameters, batch(false), new StepBackpropCounter()),
                    NaiveBptt.gradients(spec, parameters, batch(false), new StepBackpropCounter())}) {
                assertClose(what + " loss", loss, gradients.loss(), RELATIVE, 0);
                expected.forEach((name, value) -> assertClose(what + " dL/d" + name, value,
                        gradients.parameterGradients().get(name).data()[0], RELATIVE, 0));
                assertClose(what + " dL/dx", dX, gradients.inputGradients().get(0, 0, 0), RELATIVE, 0);
                assertClose(what + " dL/dh_{-1}", dH0, gradients.initialStateGradients().get(0, 0), RELATIVE, 0);
            }
        }
    }

    @Test
    void lstmWithPeepholes() {
        Map<String, Double> w = Map.ofEntries(
                Map.entry("U_i", 0.31), Map.entry("U_f", -0.52), Map.entry("U_g", 0.83), Map.entry("U_o", -0.47),
                Map.entry("W_i", -0.44), Map.entry("W_f", 0.27), Map.entry("W_g", 0.61), Map.entry("W_o", 0.38),
                Map.entry("b_i", 0.12), Map.entry("b_f", -0.09), Map.entry("b_g", 0.05), Map.entry("b_o", 0.14),
                Map.entry("b_hi", -0.16), Map.entry("b_hf", 0.21), Map.entry("b_hg", -0.33), Map.entry("b_ho", 0.07),
                Map.entry("p_i", 0.29), Map.entry("p_f", -0.64), Map.entry("p_o", 0.53),
                Map.entry("V", 1.37), Map.entry("c", -0.18));
        ModelSpec spec = spec(Cell.LSTM, CellOptions.lstm(true, true));
        double i = sigmoid(w.get("U_i") * X + w.get("W_i") * H0 + w.get("p_i") * C0 + w.get("b_i") + w.get("b_hi"));
        double f = sigmoid(w.get("U_f") * X + w.get("W_f") * H0 + w.get("p_f") * C0 + w.get("b_f") + w.get("b_hf"));
        double g = Math.tanh(w.get("U_g") * X + w.get("W_g") * H0 + w.get("b_g") + w.get("b_hg"));
        double c = f * C0 + i * g;
        double o = sigmoid(w.get("U_o") * X + w.get("W_o") * H0 + w.get("p_o") * c + w.get("b_o") + w.get("b_ho"));
        double h = o * Math.tanh(c);
        double y = sigmoid(w.get("V") * h + w.get("c"));
        double loss = -(TARGET * Math.log(y) + (1 - TARGET) * Math.log(1 - y));

        double dOut = y - TARGET;
        double dH = w.get("V") * dOut;
        double dAO = dH * Math.tanh(c) * o * (1 - o);
        double dC = dH * o * (1 - Math.tanh(c) * Math.tanh(c)) + w.get("p_o") * dAO;
        double dAI = dC * g * i * (1 - i);
        double dAF = dC * C0 * f * (1 - f);
        double dAG = dC * i * (1 - g * g);
        Map<String, Double> expected = Map.ofEntries(
                Map.entry("U_i", dAI * X), Map.entry("U_f", dAF * X), Map.entry("U_g", dAG * X), Map.entry("U_o", dAO * X),
                Map.entry("W_i", dAI * H0), Map.entry("W_f", dAF * H0), Map.entry("W_g", dAG * H0), Map.entry("W_o", dAO * H0),
                Map.entry("b_i", dAI), Map.entry("b_f", dAF), Map.entry("b_g", dAG), Map.entry("b_o", dAO),
                Map.entry("b_hi", dAI), Map.entry("b_hf", dAF), Map.entry("b_hg", dAG), Map.entry("b_ho", dAO),
                Map.entry("p_i", dAI * C0), Map.entry("p_f", dAF * C0), Map.entry("p_o", dAO * c),
                Map.entry("V", dOut * h), Map.entry("c", dOut));
        double dX = dAI * w.get("U_i") + dAF * w.get("U_f") + dAG * w.get("U_g") + dAO * w.get("U_o");
        double dH0 = dAI * w.get("W_i") + dAF * w.get("W_f") + dAG * w.get("W_g") + dAO * w.get("W_o");
        double dC0 = dC * f + w.get("p_i") * dAI + w.get("p_f") * dAF;

        Parameters parameters = parameters(w, spec);
        ForwardResult forward = new RecurrentNetwork(spec, parameters).forward(batch(true));
        assertClose("h", h, forward.hiddenStates().get(0, 0, 0), RELATIVE, 0);
        assertClose("c", c, forward.cellStates().get(0, 0, 0), RELATIVE, 0);
        assertClose("y", y, forward.outputs().get(0, 0), RELATIVE, 0);
        for (GradientResult gradients : new GradientResult[] {
                AggregatedBptt.gradients(spec, parameters, batch(true), new StepBackpropCounter()),
                NaiveBptt.gradients(spec, parameters, batch(true), new StepBackpropCounter())}) {
            assertClose("loss", loss, gradients.loss(), RELATIVE, 0);
            expected.forEach((name, value) -> assertClose("dL/d" + name, value,
                    gradients.parameterGradients().get(name).data()[0], RELATIVE, 0));
            assertClose("dL/dx", dX, gradients.inputGradients().get(0, 0, 0), RELATIVE, 0);
            assertClose("dL/dh_{-1}", dH0, gradients.initialStateGradients().get(0, 0), RELATIVE, 0);
            assertClose("dL/dc_{-1}", dC0, gradients.initialCellStateGradients().get(0, 0), RELATIVE, 0);
        }
    }
}
