package org.bptt.vectors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.Truncation;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.plugins.CallTime;
import org.bptt.core.plugins.ExpectedOutputs;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.PluginCallFailure;

/**
 * Writes cases with an oracle's expected results as vector files, one per case, plus {@code index.json}. The oracle
 * runs each case in double precision, as the verifier runs it ({@code spec.withDataType(FLOAT64)}), through its
 * isolated calls (which hand it copies, so each file holds the case as generated); every file is written atomically.
 */
public final class VectorExporter {

    private VectorExporter() {
    }

    /**
     * What an export wrote.
     *
     * @param index   the index written to the folder
     * @param skipped one line per case the oracle could not compute (it lacks a capability), with the reason
     */
    public record Export(VectorIndex index, List<String> skipped) {
    }

    /**
     * Computes and writes every case, full-BPTT and truncated, in the order given.
     *
     * @param directory      the folder to write into (created when missing; files of the same names are replaced)
     * @param suite          the suite's name, for the index
     * @param seed           the suite seed, for the index
     * @param oracle         computes the expected results; its capabilities decide which cases it can compute
     * @param onEach         called after each case, written or skipped (progress); may be null
     * @throws IllegalStateException when an oracle call fails (throws, hangs, returns garbage): the export would be wrong
     */
    public static Export export(Path directory, String suite, long seed, List<SuiteCase> cases, IsolatedPlugin oracle,
                                VectorFile.Generator generator, TolerancePolicy tolerance, Runnable onEach) throws IOException {
        List<String> files = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, String> idsByFile = new HashMap<>();
        int written = 0;
        int writtenTruncated = 0;
        for (SuiteCase suiteCase : cases) {
            boolean truncated = suiteCase.isTruncated();
            Case testCase = suiteCase.testCase();
            Truncation truncation = suiteCase.truncation();
            String id = suiteCase.id();
            testCase.validate();
            ModelSpec spec = testCase.spec().withDataType(DataType.FLOAT64);
            Set<Capability> required = EnumSet.copyOf(Capability.requiredBy(spec, testCase.batch()));
            if (truncated) {
                required.add(Capability.TRUNCATED_BPTT);
            }
            required.removeAll(oracle.capabilities());
            if (!required.isEmpty()) {
                skipped.add(id + ": oracle " + oracle.id() + " lacks " + required);
            } else {
                VectorFile vector = compute(oracle, generator, tolerance, testCase, spec, truncation, id);
                String file = VectorFile.fileName(id);
                String previous = idsByFile.put(file, id);
                if (previous != null) {
                    throw new IllegalStateException("cases " + previous + " and " + id + " would both be written to " + file);
                }
                vector.write(directory.resolve(file));
                files.add(file);
                if (truncated) {
                    writtenTruncated++;
                } else {
                    written++;
                }
            }
            if (onEach != null) {
                onEach.run();
            }
        }
        VectorIndex index = new VectorIndex(generator, suite, seed, written, writtenTruncated, tolerance, files);
        index.write(directory);
        return new Export(index, skipped);
    }

    private static VectorFile compute(IsolatedPlugin oracle, VectorFile.Generator generator, TolerancePolicy tolerance,
                                      Case testCase, ModelSpec spec, Truncation truncation, String id) {
        ExpectedOutputs declared = ExpectedOutputs.declaredBy(oracle.capabilities());
        ForwardResult forward = null;
        GradientResult gradients;
        try {
            if (truncation == null) {
                forward = oracle.forward(spec, testCase.parameters(), testCase.batch());
                gradients = oracle.gradients(spec, testCase.parameters(), testCase.batch());
            } else {
                gradients = oracle.truncatedGradients(spec, testCase.parameters(), testCase.batch(), truncation, declared,
                        new CallTime());
            }
        } catch (PluginCallFailure failure) {
            throw new IllegalStateException("oracle " + failure.describe() + " on " + id, failure);
        }
        return new VectorFile(generator, testCase, truncation, forward, gradients, tolerance);
    }
}
