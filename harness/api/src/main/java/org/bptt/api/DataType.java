package org.bptt.api;

/** The arithmetic an implementation is asked to compute in. Results are always returned as doubles. */
public enum DataType {
    FLOAT64,
    FLOAT32
}
