package org.bptt.dl4j;

import java.util.function.Supplier;
import org.bptt.api.Batch;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;

/**
 * What a plugin computed for the last arguments, kept to answer the next call on equal arguments without running
 * DL4J again: the harness asks several questions of one case in a row (its forward pass, its gradients, whether each
 * failed quantity is a known divergence), and some share a DL4J computation. Equal arguments give DL4J's same
 * numbers, so a kept value is the value DL4J would compute. Not thread-safe: one per plugin instance, and an instance
 * serves one thread.
 */
final class LastCall<T> {

    private ModelSpec spec;
    private Parameters parameters;
    private Batch batch;
    private T value;

    /** The value kept for equal arguments, else {@code compute}'s, then kept (a throw keeps nothing). */
    T get(ModelSpec spec, Parameters parameters, Batch batch, Supplier<T> compute) {
        if (value != null && spec.equals(this.spec) && batch.equals(this.batch) && parameters.equals(this.parameters)) {
            return value;
        }
        value = null;
        T computed = compute.get();
        this.spec = spec;
        this.parameters = parameters;
        this.batch = batch;
        this.value = computed;
        return computed;
    }
}
