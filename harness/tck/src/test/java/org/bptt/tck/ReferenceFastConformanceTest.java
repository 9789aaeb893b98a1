package org.bptt.tck;

import java.util.List;
import org.bptt.api.RnnImplementation;
import org.bptt.core.plugins.PluginRegistry;

/** The fast twin of the aggregated reference (written for speed, reads differently) must conform to the readable one. */
class ReferenceFastConformanceTest extends RnnConformanceKit {

    @Override
    protected RnnImplementation implementation() {
        return PluginRegistry.discover(List.of()).require("reference-fast").implementation();
    }
}
