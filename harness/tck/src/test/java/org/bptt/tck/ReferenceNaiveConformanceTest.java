package org.bptt.tck;

import java.util.List;
import org.bptt.api.RnnImplementation;
import org.bptt.core.plugins.PluginRegistry;

/** The kit as a user would use it: the naive O(T²) reference must conform to the aggregated one. */
class ReferenceNaiveConformanceTest extends RnnConformanceKit {

    @Override
    protected RnnImplementation implementation() {
        return PluginRegistry.discover(List.of()).require("reference-naive").implementation();
    }
}
