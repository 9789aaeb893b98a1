package org.bptt.core.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Quantity;
import org.junit.jupiter.api.Test;

/** The compared quantities print exactly as reports, tables and plugins' known divergences have always named them. */
class QuantityNamesTest {

    @Test
    void theQuantitiesEveryModelHasKeepTheirNames() {
        assertEquals(List.of("h", "y", "loss", "loss (gradients)", "dL/dx", "dL/dh_{-1}", "dL/dh"),
                List.of(Quantity.HIDDEN_STATES, Quantity.OUTPUTS, Quantity.LOSS, Quantity.GRADIENT_LOSS,
                        Quantity.INPUT_GRADIENTS, Quantity.INITIAL_STATE_GRADIENTS, Quantity.HIDDEN_STATE_GRADIENTS)
                        .stream().map(Quantity::toString).toList());
    }

    @Test
    void aParametersGradientIsNamedAfterTheParameter() {
        assertEquals("dL/dW", Quantity.gradientOf("W").name());
        assertEquals("dL/dW_e", Quantity.gradientOf("W_e").toString(), "a language model's parameter");
        assertEquals(Quantity.gradientOf("b"), new Quantity("dL/db"), "equal by name");
    }

    @Test
    void lossesAndGradientsAreToldApart() {
        assertTrue(Quantity.LOSS.isLoss() && Quantity.GRADIENT_LOSS.isLoss());
        assertFalse(Quantity.HIDDEN_STATES.isLoss() || Quantity.gradientOf("U").isLoss());
        assertTrue(Quantity.gradientOf("U").isGradient() && Quantity.INPUT_GRADIENTS.isGradient()
                && Quantity.INITIAL_STATE_GRADIENTS.isGradient() && Quantity.HIDDEN_STATE_GRADIENTS.isGradient());
        assertFalse(Quantity.OUTPUTS.isGradient() || Quantity.GRADIENT_LOSS.isGradient());
    }

    @Test
    void aQuantityNeedsAName() {
        assertThrows(InvalidInputException.class, () -> new Quantity(" "));
        assertThrows(InvalidInputException.class, () -> Quantity.gradientOf(null));
    }
}
