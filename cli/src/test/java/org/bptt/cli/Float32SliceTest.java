package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Cell;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.core.cases.Suite;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.core.verify.Verifier;
import org.junit.jupiter.api.Test;

/**
 * The default suite's float32 slice, judged with the float32 tolerance, against DL4J, which computes in float32
 * natively: DL4J is judged on every Elman case of it, and a float32 implementation with a real bug fails it.
 */
class Float32SliceTest {

    private static final PluginRegistry REGISTRY = PluginRegistry.discover(List.of());
    private static final LoadedPlugin ORACLE = REGISTRY.require("reference-aggregated");
    private static final LoadedPlugin DL4J = REGISTRY.require("dl4j");
    private static final Verifier VERIFIER = new Verifier(TolerancePolicy.defaults(), Duration.ofSeconds(60));
    private static final List<SuiteCase> ELMAN_FLOAT32 = Suite.DEFAULT.float32Cases(42L, EnumSet.of(Cell.ELMAN))
            .stream().map(SuiteCase::fullBptt).toList();

    @Test
    void dl4jRunsEveryElmanFloat32CaseAndNoneFails() {
        List<String> notJudgedRight = VERIFIER.verifyAll(ELMAN_FLOAT32, DL4J, ORACLE, null).stream()
                .filter(r -> r.status() != Status.PASSED && r.status() != Status.KNOWN_DIVERGENCE)
                .map(r -> r.caseId() + " " + r.status() + ": " + r.message()).toList();
        assertTrue(notJudgedRight.isEmpty(), String.join("\n", notJudgedRight));
    }

    @Test
    void aFloat32ImplementationThatDropsTheBiasGradientFailsOnDlDbAlone() {
        LoadedPlugin mutant = LoadedPlugin.of(new DroppedBiasGradient(DL4J.implementation()), "test");
        List<CaseResult> correct = VERIFIER.verifyAll(ELMAN_FLOAT32, DL4J, ORACLE, null);
        List<CaseResult> wrong = VERIFIER.verifyAll(ELMAN_FLOAT32, mutant, ORACLE, null);
        int compared = 0;
        for (int i = 0; i < ELMAN_FLOAT32.size(); i++) {
            if (correct.get(i).status() != Status.PASSED) {
                continue;   // a known DL4J divergence: the mutant's other failures would not be dL/db's
            }
            compared++;
            CaseResult result = wrong.get(i);
            assertEquals(Status.FAILED, result.status(), result.caseId() + ": " + result.message());
            List<String> failed = result.comparisons().stream().filter(c -> !c.passed())
                    .map(c -> c.quantity().name()).toList();
            assertEquals(List.of("dL/db"), failed, result.caseId());
        }
        assertTrue(compared >= ELMAN_FLOAT32.size() / 2, "DL4J passes most of the slice: " + compared);
    }

    /** DL4J with dL/db replaced by zeros: a float32 implementation with a real bug. */
    private static final class DroppedBiasGradient implements RnnImplementation {
        private final RnnImplementation delegate;

        DroppedBiasGradient(RnnImplementation delegate) {
            this.delegate = delegate;
        }

        @Override
        public PluginInfo info() {
            return new PluginInfo("dl4j-no-db", "DL4J without its bias gradient", "0", "tests", "a deliberately broken plugin");
        }

        @Override
        public Set<Capability> capabilities() {
            return delegate.capabilities();
        }

        @Override
        public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
            return delegate.forward(spec, parameters, batch);
        }

        @Override
        public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
            GradientResult right = delegate.gradients(spec, parameters, batch);
            return new GradientResult(right.loss(), right.parameterGradients().with(ParameterNames.B,
                    Tensor.zeros(spec.hiddenSize())), right.inputGradients(), right.initialStateGradients(),
                    right.hiddenStateGradients());
        }
    }
}
