/**
 * Naming the mistake behind a failing implementation: the catalogued mistakes ({@link org.bptt.api.MistakeCatalogue},
 * found by {@link java.util.ServiceLoader}) are tried on each failed case, one at a time and then in pairs, and a
 * mistake explains the case when the implementation's numbers match its model (to the exact comparison's tolerances)
 * on every quantity that failed ({@link org.bptt.core.verify.WrongComputationCheck}). {@link Diagnostician} diagnoses
 * one case, {@link Diagnosis} is what it found (the text a {@link org.bptt.core.verify.CaseResult} carries), and
 * {@link ImplementationDiagnosis} says which mistakes explain all of an implementation's failures.
 */
package org.bptt.core.diagnose;
