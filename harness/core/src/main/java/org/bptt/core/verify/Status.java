package org.bptt.core.verify;

/** The outcome of one case for one implementation. */
public enum Status {
    /** Every compared quantity within tolerance. */
    PASSED,
    /** At least one quantity beyond tolerance. */
    FAILED,
    /** Beyond tolerance in a way documented as a known third-party divergence (a finding, with evidence). */
    KNOWN_DIVERGENCE,
    /**
     * Beyond tolerance on a case whose exact results move beyond tolerance when its data change by one machine
     * epsilon ({@link SensitivityProbe}): rounding alone can fail a correct implementation there, so the comparison
     * neither passes nor fails; the message gives the measured amplification.
     */
    ILL_CONDITIONED,
    /** The plugin threw, hung, or returned something malformed. */
    ERROR,
    /** The implementation lacks a capability the case needs; the reason says which. */
    SKIPPED
}
