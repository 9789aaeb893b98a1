package org.bptt.core.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.Test;

class TestDescribeThrowable {

    @Test
    void aWrappedErrorNamesItsRootCause() {
        Throwable wrapped = new ServiceConfigurationError("Provider x.Y could not be instantiated",
                new IllegalStateException("init", new ClassNotFoundException("org.example.Missing")));
        assertEquals("java.util.ServiceConfigurationError: Provider x.Y could not be instantiated; caused by "
                + "java.lang.ClassNotFoundException: org.example.Missing", PluginCalls.describe(wrapped));
    }

    @Test
    void anErrorWithoutCauseIsNamedAsItIs() {
        assertEquals("java.lang.IllegalArgumentException: bad", PluginCalls.describe(new IllegalArgumentException("bad")));
    }
}
