package org.bptt.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bptt.api.Batch;
import org.bptt.api.DocumentedLimitException;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.RnnImplementation;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.junit.jupiter.api.Test;

/** A documented limit of an implementation (a case too large for it) is a skip with the reason, not an error. */
class DocumentedLimitTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.discover(List.of());
    private static final LoadedPlugin ORACLE = REGISTRY.require("reference-aggregated");
    private static final Verifier VERIFIER = new Verifier();

    @Test
    void rtrlSkipsACaseTooLargeForItWithItsLimit() {
        // B = 1, T = 1000, H = 128: about 1e12 multiply-adds of forward sensitivities, beyond RTRL's 2e10.
        SuiteCase large = SuiteCase.fullBptt(CaseGenerator.generate("large", ModelSpec.of(16, 128, 16), 1, 1000, false,
                false, 5L));
        CaseResult result = VERIFIER.verify(large, REGISTRY.require("reference-rtrl"), ORACLE);
        assertEquals(Status.SKIPPED, result.status(), result.message());
        assertTrue(result.message().startsWith("reference-rtrl declines this case: RTRL is for small cases"), result.message());
        assertTrue(result.message().contains("T = 1000"), result.message());
    }

    @Test
    void onlyTheDocumentedLimitIsASkipAnyOtherThrowStaysAnError() {
        SuiteCase small = SuiteCase.fullBptt(CaseGenerator.generate("small", ModelSpec.of(2, 3, 2), 1, 3, false, false, 5L));
        RnnImplementation reference = ORACLE.implementation();
        RnnImplementation limited = new TestPlugins.Delegating("limited", reference) {
            @Override
            public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
                throw new DocumentedLimitException("this library runs T ≤ 2 only");
            }
        };
        RnnImplementation broken = new TestPlugins.Delegating("broken", reference) {
            @Override
            public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
                throw new UnsupportedOperationException("not written yet");
            }
        };
        CaseResult skipped = VERIFIER.verify(small, LoadedPlugin.of(limited, "test"), ORACLE);
        assertEquals(Status.SKIPPED, skipped.status(), skipped.message());
        assertEquals("limited declines this case: this library runs T ≤ 2 only", skipped.message());
        CaseResult error = VERIFIER.verify(small, LoadedPlugin.of(broken, "test"), ORACLE);
        assertEquals(Status.ERROR, error.status(), error.message());
    }
}
