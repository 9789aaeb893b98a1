package org.bptt.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParametersTest {

    /** d = 2, H = 3, K = 4: every dimension differs, so a transposed shape cannot pass. */
    private static final ModelSpec SPEC = ModelSpec.of(2, 3, 4);

    private static List<String> names(List<ParameterDeclaration> declarations) {
        return declarations.stream().map(ParameterDeclaration::name).toList();
    }

    @Test
    void theElmanModelDeclaresItsParametersInTheEquationsOrientation() {
        List<ParameterDeclaration> declared = SPEC.parameters();
        assertEquals(List.of("U", "W", "b", "V", "c"), names(declared));
        assertArrayEquals(new int[] {3, 2}, declared.get(0).shape());
        assertArrayEquals(new int[] {3, 3}, declared.get(1).shape());
        assertArrayEquals(new int[] {3}, declared.get(2).shape());
        assertArrayEquals(new int[] {4, 3}, declared.get(3).shape());
        assertArrayEquals(new int[] {4}, declared.get(4).shape());
        assertEquals("[H, d]", declared.get(0).layout());
        assertEquals("H=3, d=2", declared.get(0).sizes());
        assertEquals("H=3", declared.get(1).sizes());
        assertEquals("[K, H]", declared.get(3).layout());
    }

    @Test
    void withoutBiasesTheCellAndTheHeadDeclareNoBias() {
        ModelSpec noBiases = SPEC.withBiases(false);
        assertEquals(List.of("U", "W"), names(Cell.ELMAN.parameters(noBiases)));
        assertEquals(List.of("V"), names(noBiases.withHead(Head.LAST_STEP_SIGMOID).head().parameters(noBiases)));
        assertEquals(List.of("U", "W", "V"), names(noBiases.parameters()));
        assertNull(noBiases.parameter("b"));
        assertEquals("hidden bias", SPEC.parameter("b").meaning());
    }

    @Test
    void everyDeclaredNameIsInTheNamingScheme() {
        for (Head head : Head.values()) {
            for (ParameterDeclaration declaration : SPEC.withHead(head).parameters()) {
                assertTrue(ParameterNames.isKnown(declaration.name()), declaration.name());
            }
        }
    }

    @Test
    void theLabelOfAnElmanModelDoesNotNameTheCell() {
        // The form the README documents and stored vectors' ids are made of.
        assertEquals("tanh/per-step-softmax/bias/d4-H8-K5/sum", ModelSpec.of(4, 8, 5).label());
    }

    @Test
    void zerosHasOneTensorPerDeclaredParameter() {
        Parameters zeros = Parameters.zeros(SPEC.withBiases(false));
        assertEquals(List.of("U", "W", "V"), List.copyOf(zeros.byName().keySet()));
        assertEquals(Tensor.zeros(4, 3), zeros.get("V"));
    }

    @Test
    void tensorsAreKeptInTheDeclaredOrderWhateverTheOrderGiven() {
        Map<String, Tensor> reversed = new LinkedHashMap<>();
        reversed.put("c", Tensor.zeros(4));
        reversed.put("V", Tensor.zeros(4, 3));
        reversed.put("W", Tensor.zeros(3, 3));
        reversed.put("U", Tensor.zeros(3, 2));
        reversed.put("b", Tensor.zeros(3));
        Parameters parameters = new Parameters(reversed);
        assertEquals(List.of("U", "W", "b", "V", "c"), List.copyOf(parameters.byName().keySet()));
        assertEquals(Parameters.zeros(SPEC), parameters);
        assertThrows(UnsupportedOperationException.class, () -> parameters.byName().put("U", Tensor.zeros(1)));
    }

    @Test
    void getReturnsNullForAnAbsentParameterAndRefusesAnUnknownName() {
        Parameters noBiases = Parameters.zeros(SPEC.withBiases(false));
        assertNull(noBiases.get("b"));
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> noBiases.get("X"));
        // Every cell's names are known (the gated cells' came with them), in the declared order.
        assertEquals("unknown parameter 'X'; the known names are [U, W, b, "
                + "U_r, U_z, U_n, W_r, W_z, W_n, b_r, b_z, b_n, b_hr, b_hz, b_hn, "
                + "U_i, U_f, U_g, U_o, W_i, W_f, W_g, W_o, b_i, b_f, b_g, b_o, b_hi, b_hf, b_hg, b_ho, p_i, p_f, p_o, "
                + "V, c]", error.getMessage());
        assertThrows(InvalidInputException.class, () -> new Parameters(Map.of("u", Tensor.zeros(3, 2))));
    }

    @Test
    void withReplacesOrAddsAndLeavesTheOriginalAlone() {
        Parameters noBiases = Parameters.zeros(SPEC.withBiases(false));
        Tensor w = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3);
        Parameters changed = noBiases.with("W", w).with("b", Tensor.zeros(3));
        assertSame(w, changed.get("W"));
        assertEquals(List.of("U", "W", "b", "V"), List.copyOf(changed.byName().keySet()));
        assertEquals(Tensor.zeros(3, 3), noBiases.get("W"));
        assertNull(noBiases.get("b"));
    }

    @Test
    void copyIsDeep() {
        Parameters original = Parameters.zeros(SPEC);
        Parameters copy = original.copy();
        assertEquals(original, copy);
        assertNotSame(original.get("U"), copy.get("U"));
        copy.get("U").set(1.0, 0, 0);
        assertEquals(0.0, original.get("U").get(0, 0));
    }

    @Test
    void validateNamesTheParameterAndWhatIsWrong() {
        Parameters good = Parameters.zeros(SPEC);
        good.validate(SPEC);
        assertEquals("W has shape [3, 2], expected [3, 3]", assertThrows(InvalidInputException.class,
                () -> good.with("W", Tensor.zeros(3, 2)).validate(SPEC)).getMessage());
        Tensor nan = Tensor.zeros(4, 3);
        nan.set(Double.NaN, 1, 2);
        assertEquals("V[1, 2] is NaN; every element must be finite", assertThrows(InvalidInputException.class,
                () -> good.with("V", nan).validate(SPEC)).getMessage());
        Map<String, Tensor> withoutC = new LinkedHashMap<>(good.byName());
        withoutC.remove("c");
        assertEquals("parameter c [K] (output bias) is missing; the model's parameters are [U, W, b, V, c]",
                assertThrows(InvalidInputException.class, () -> new Parameters(withoutC).validate(SPEC)).getMessage());
        ModelSpec noBiases = SPEC.withBiases(false);
        assertEquals("parameter b is given, but the model tanh/per-step-softmax/nobias/d2-H3-K4/sum has no such parameter;"
                + " its parameters are [U, W, V]", assertThrows(InvalidInputException.class,
                () -> Parameters.zeros(noBiases).with("b", Tensor.zeros(3)).validate(noBiases)).getMessage());
    }
}
