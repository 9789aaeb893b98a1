package org.bptt.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.RnnImplementation;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.plugins.PluginRegistry;
import org.junit.jupiter.api.Test;

/** Before JMH times anything, each plugin is called once in isolation: one that throws or hangs is found and named. */
class BenchPreflightTest extends BenchTestBase {

    private static final RnnImplementation REFERENCE = PluginRegistry.discover().require(CostModel.AGGREGATED).implementation();

    /** The reference under another id; its gradients() throws or hangs as asked. */
    private static LoadedPlugin broken(String id, boolean hangs) {
        return LoadedPlugin.of(new RnnImplementation() {
            @Override
            public PluginInfo info() {
                return new PluginInfo(id, "test " + id, "1", "tests", "");
            }

            @Override
            public Set<Capability> capabilities() {
                return REFERENCE.capabilities();
            }

            @Override
            public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
                return REFERENCE.forward(spec, parameters, batch);
            }

            @Override
            public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
                if (!hangs) {
                    throw new IllegalStateException("out of memory on the device");
                }
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }
        }, "test");
    }

    @Test
    void aThrowingAndAHangingPluginAreNamedAndTheReferenceIsNot() {
        Map<String, LoadedPlugin> available = new LinkedHashMap<>();
        available.put(CostModel.AGGREGATED, PluginRegistry.discover().require(CostModel.AGGREGATED));
        available.put("throws", broken("throws", false));
        available.put("hangs", broken("hangs", true));
        BenchGrid grid = new BenchGrid("custom", List.of(CostModel.AGGREGATED, "throws", "hangs", "not-installed"),
                List.of(Shape.GRID.get(0)), List.of(8, 16), List.of(Mode.FORWARD_BACKWARD), DataType.FLOAT64,
                BenchGrid.NAIVE_FLOP_BUDGET);
        long start = System.nanoTime();
        Map<String, String> failures = BenchPreflight.failures(grid, available, new PluginCalls(Duration.ofMillis(300)));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0, "the hang costs its timeout");
        assertEquals(Map.of(
                "throws", "throws: gradients() threw java.lang.IllegalStateException: out of memory on the device",
                "hangs", "hangs: gradients() timed out after 300ms"), failures);
        assertEquals(List.of("throws", "hangs"), List.copyOf(failures.keySet()), "in grid order");
    }
}
