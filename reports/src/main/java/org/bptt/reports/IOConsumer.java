package org.bptt.reports;

import java.io.IOException;

/**
 * Writes something to a target that may fail with an {@link IOException}, e.g. the body of an atomic file write.
 *
 * @param <T> what is written to, usually an {@link java.io.OutputStream}
 */
@FunctionalInterface
public interface IOConsumer<T> {

    void accept(T target) throws IOException;
}
