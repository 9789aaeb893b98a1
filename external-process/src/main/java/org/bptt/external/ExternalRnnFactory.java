package org.bptt.external;

import org.bptt.api.RnnImplementation;
import org.bptt.api.RnnImplementationFactory;

/**
 * Makes {@code cmd:COMMAND} implementations: {@code bptt verify --impl 'cmd:python3 my_rnn.py'}. The call timeout
 * is {@value ExternalRnn#DEFAULT_TIMEOUT_SECONDS} s, or {@code -Dbptt.external.timeout=SECONDS}.
 */
public final class ExternalRnnFactory implements RnnImplementationFactory {

    @Override
    public String prefix() {
        return ExternalRnn.PREFIX;
    }

    @Override
    public RnnImplementation create(String id) {
        return ExternalRnn.start(id, ExternalRnn.timeoutFromProperty());
    }

    @Override
    public String description() {
        return "cmd:COMMAND: an implementation in another process (external-process/PROTOCOL.md)";
    }
}
