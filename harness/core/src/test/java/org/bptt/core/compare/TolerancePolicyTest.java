package org.bptt.core.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bptt.api.DataType;
import org.bptt.api.Quantity;
import org.bptt.api.InvalidInputException;
import org.junit.jupiter.api.Test;

class TolerancePolicyTest {

    private final TolerancePolicy policy = TolerancePolicy.defaults();

    @Test
    void theLargestTermApplies() {
        // Large values: the relative term, 1e-9 · 1000.
        assertEquals(1e-6, policy.allowed(new Quantity("h"), DataType.FLOAT64, 1, 1000, 1000), 1e-18);
        // Zero: the absolute term.
        assertEquals(1e-12, policy.allowed(new Quantity("h"), DataType.FLOAT64, 1, 0, 0), 0);
        // A policy whose ULP term dominates.
        TolerancePolicy ulpsOnly = new TolerancePolicy(new TolerancePolicy.Terms(0, 0, 4), new TolerancePolicy.Terms(0, 0, 4));
        assertEquals(4 * Math.ulp(3.0), ulpsOnly.allowed(new Quantity("h"), DataType.FLOAT64, 1, 3.0, 3.0), 0);
        assertEquals(4 * Math.ulp(3.0f), ulpsOnly.allowed(new Quantity("h"), DataType.FLOAT32, 1, 3.0, 3.0), 0);
    }

    @Test
    void theAllowanceGrowsWithTheSquareRootOfT() {
        double one = policy.allowed(new Quantity("dL/dW"), DataType.FLOAT64, 1, 0.5, 0.5);
        assertEquals(8 * one, policy.allowed(new Quantity("dL/dW"), DataType.FLOAT64, 64, 0.5, 0.5), 1e-24);
    }

    @Test
    void float32IsLooserThanFloat64() {
        assertEquals(1e-4, policy.allowed(new Quantity("y"), DataType.FLOAT32, 1, 1.0, 1.0), 1e-16);
        assertTrue(policy.allowed(new Quantity("y"), DataType.FLOAT32, 1, 1.0, 1.0) > 1e4 * policy.allowed(new Quantity("y"), DataType.FLOAT64, 1, 1.0, 1.0));
    }

    @Test
    void describeListsEveryTerm() {
        var description = policy.describe();
        assertEquals("1.0E-9", description.get("float64.rel"));
        assertEquals("1.0E-6", description.get("float32.abs"));
        assertTrue(description.containsKey("formula"));
        assertEquals(7, description.size());
    }

    @Test
    void negativeTermsAreRefused() {
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> new TolerancePolicy.Terms(-1, 0, 0));
        assertTrue(error.getMessage().contains("absolute"), error.getMessage());
    }
}
