package org.bptt.vectors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.ModelSpec;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Truncation;
import org.bptt.core.cases.TruncatedCase;
import org.bptt.core.compare.TolerancePolicy;

/**
 * Writes cases with an oracle's expected results as vector files, one per case, plus {@code index.json}. The oracle
 * runs each case in double precision, as the verifier runs it ({@code spec.withDataType(FLOAT64)}); every file is
 * written atomically.
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
     * Computes and writes every case and truncated case.
     *
     * @param directory      the folder to write into (created when missing; files of the same names are replaced)
     * @param suite          the suite's name, for the index
     * @param seed           the suite seed, for the index
     * @param oracle         computes the expected results; its capabilities decide which cases it can compute
     * @param capabilities   the oracle's capabilities, read once by the caller
     * @param onEach         called after each case, written or skipped (progress); may be null
     * @throws IllegalStateException when the oracle throws or returns nothing: the export would be wrong
     */
    public static Export export(Path directory, String suite, long seed, List<Case> cases, List<TruncatedCase> truncatedCases,
                                RnnImplementation oracle, Set<Capability> capabilities, VectorFile.Generator generator,
                                TolerancePolicy tolerance, Runnable onEach) throws IOException {
        List<String> files = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Map<String, String> idsByFile = new HashMap<>();
        int written = 0;
        int writtenTruncated = 0;
        for (int i = 0; i < cases.size() + truncatedCases.size(); i++) {
            boolean truncated = i >= cases.size();
            Case testCase = truncated ? truncatedCases.get(i - cases.size()).testCase() : cases.get(i);
            Truncation truncation = truncated ? truncatedCases.get(i - cases.size()).truncation() : null;
            String id = truncated ? TruncatedCase.id(testCase.id(), truncation) : testCase.id();
            testCase.validate();
            ModelSpec spec = testCase.spec().withDataType(DataType.FLOAT64);
            Set<Capability> required = EnumSet.copyOf(Capability.requiredBy(spec, testCase.batch()));
            if (truncated) {
                required.add(Capability.TRUNCATED_BPTT);
            }
            required.removeAll(capabilities);
            if (!required.isEmpty()) {
                skipped.add(id + ": oracle " + oracle.info().id() + " lacks " + required);
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

    private static VectorFile compute(RnnImplementation oracle, VectorFile.Generator generator, TolerancePolicy tolerance,
                                      Case testCase, ModelSpec spec, Truncation truncation, String id) {
        ForwardResult forward = null;
        GradientResult gradients;
        try {
            // Copies: an oracle must not modify its arguments, but the file must hold the case as generated even if it does.
            if (truncation == null) {
                forward = oracle.forward(spec, testCase.parameters().copy(), copy(testCase.batch()));
                gradients = oracle.gradients(spec, testCase.parameters().copy(), copy(testCase.batch()));
            } else {
                gradients = oracle.truncatedGradients(spec, testCase.parameters().copy(), copy(testCase.batch()), truncation);
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("oracle " + oracle.info().id() + " failed on " + id + ": " + e, e);
        }
        if ((truncation == null && forward == null) || gradients == null || gradients.parameterGradients() == null) {
            throw new IllegalStateException("oracle " + oracle.info().id() + " returned no result for " + id);
        }
        return new VectorFile(generator, testCase, truncation, forward, gradients, tolerance);
    }

    private static Batch copy(Batch batch) {
        return new Batch(batch.inputs().copy(), batch.targets().copy(), batch.mask() == null ? null : batch.mask().copy(),
                batch.initialState() == null ? null : batch.initialState().copy());
    }
}
