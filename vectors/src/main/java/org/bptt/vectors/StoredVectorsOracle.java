package org.bptt.vectors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.bptt.api.Activation;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.DataType;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ModelSpec;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Tensor;
import org.bptt.api.Truncation;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.compare.TolerancePolicy;

/**
 * An oracle that computes nothing: it answers each case with the expected results stored in its vector file, so
 * that the verifier checks an implementation against exported vectors exactly as against a live oracle (same
 * comparisons, tolerances, known divergences and reports), with no reference implementation on the class path.
 *
 * <p>The verifier does not pass a case's id to the oracle, only copies of its spec (in double precision), weights
 * and batch; the answer is looked up by that content (records with value equality), plus the truncation.
 *
 * <p>A vector file that cannot be read still becomes a case, a tiny stand-in named after the file, for which this
 * oracle throws the reading error: the verifier reports it as an ERROR of that case, naming the file and the field,
 * and the run goes on with the other files.
 */
public final class StoredVectorsOracle implements RnnImplementation {

    /** The plugin id this oracle reports under. */
    public static final String ID = "stored-vectors";

    private final PluginInfo info;
    private final Set<Capability> capabilities;
    private final Map<Key, Answer> answers;

    /** What the verifier will ask: the oracle's spec (FLOAT64), weights, batch and truncation (null for full BPTT). */
    private record Key(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
    }

    /** The stored results, or why there are none. */
    private record Answer(ForwardResult forward, GradientResult gradients, String error) {
    }

    /**
     * A folder of vectors, ready to verify.
     *
     * @param oracle   answers every case below
     * @param cases    the full-BPTT cases in the index's order (stand-ins for unreadable files among them), then the
     *                 truncated-BPTT cases in the index's order
     * @param index    the folder's index, or null when it has none
     * @param warnings what the user should know (unreadable files, a different tolerance policy)
     */
    public record Loaded(StoredVectorsOracle oracle, List<SuiteCase> cases, VectorIndex index, List<String> warnings) {

        /** How many of the cases are truncated-BPTT cases. */
        public long truncatedCount() {
            return cases.stream().filter(SuiteCase::isTruncated).count();
        }
    }

    private StoredVectorsOracle(PluginInfo info, Set<Capability> capabilities, Map<Key, Answer> answers) {
        this.info = info;
        this.capabilities = capabilities;
        this.answers = answers;
    }

    /**
     * Reads the vectors of {@code directory}: the files its {@code index.json} lists, in order, or without an index
     * every {@code *.json} file, sorted by name. A file that cannot be read becomes a stand-in case whose oracle call
     * fails with the reading error (and a warning).
     *
     * @param checkedWith the tolerance policy the verifier will use; a file written under another one gets a warning
     * @throws InvalidInputException when the folder or its index cannot be read, or it holds no vector at all
     */
    public static Loaded load(Path directory, TolerancePolicy checkedWith) {
        InvalidInputException.require(Files.isDirectory(directory), "--cases %s: no such folder", directory);
        Path indexFile = directory.resolve(VectorIndex.FILE_NAME);
        VectorIndex index = Files.exists(indexFile) ? VectorIndex.read(indexFile) : null;
        List<String> files = index != null ? index.files() : jsonFilesIn(directory);
        InvalidInputException.require(!files.isEmpty(), "--cases %s: no vector files (*.json) in the folder", directory);

        Map<Key, Answer> answers = new HashMap<>();
        Map<Key, String> fileByKey = new HashMap<>();
        List<SuiteCase> cases = new ArrayList<>();
        List<SuiteCase> truncatedCases = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Set<Capability> offered = EnumSet.of(Capability.HIDDEN_STATES, Capability.INPUT_GRADIENTS,
                Capability.INITIAL_STATE_GRADIENTS, Capability.HIDDEN_STATE_GRADIENTS, Capability.CELL_STATES,
                Capability.INITIAL_CELL_STATE_GRADIENTS);
        boolean anyCellState = false;
        Set<String> generators = new java.util.TreeSet<>();
        boolean toleranceWarned = false;
        for (String name : files) {
            Path file = directory.resolve(name);
            VectorFile vector;
            try {
                vector = VectorFile.read(file);
            } catch (InvalidInputException e) {
                warnings.add("cannot read " + e.getMessage() + " (reported as an error of that case)");
                Case standIn = standIn(name, cases.size());
                answers.put(key(standIn, null), new Answer(null, null, e.getMessage()));
                cases.add(SuiteCase.fullBptt(standIn));
                continue;
            }
            Key key = key(vector.testCase(), vector.truncation());
            String earlier = fileByKey.putIfAbsent(key, name);
            if (earlier != null) {
                warnings.add(file + " holds the same case (spec, weights, batch, truncation) as " + earlier + "; skipped");
                continue;
            }
            answers.put(key, new Answer(vector.expectedForward(), vector.expectedGradients(), null));
            generators.add(vector.generator().tool() + " " + vector.generator().version() + ", oracle "
                    + vector.generator().oracle() + " " + vector.generator().oracleVersion());
            if (!toleranceWarned && !vector.tolerance().equals(checkedWith)) {
                toleranceWarned = true;
                warnings.add(file + " (and maybe others) was written under the tolerance policy " + vector.tolerance()
                        + "; checking with " + checkedWith);
            }
            anyCellState |= vector.testCase().spec().cell().hasCellState();
            if (vector.truncation() == null) {
                cases.add(SuiteCase.fullBptt(vector.testCase()));
                retainOffered(offered, vector);
            } else {
                truncatedCases.add(SuiteCase.truncated(vector.testCase(), vector.truncation()));
            }
        }
        Set<Capability> capabilities = EnumSet.of(Capability.TRUNCATED_BPTT, Capability.BIASES, Capability.NO_BIASES,
                Capability.MASKS, Capability.INITIAL_STATE, Capability.FLOAT64, Capability.GRU_RESET_BEFORE,
                Capability.GRU_RESET_AFTER, Capability.LSTM, Capability.LSTM_PEEPHOLES, Capability.TWO_BIASES,
                Capability.INITIAL_CELL_STATE, Capability.STACKED, Capability.BIDIRECTIONAL_CONCAT, Capability.BIDIRECTIONAL_SUM,
                Capability.BIDIRECTIONAL_MEAN, Capability.BIDIRECTIONAL_PRODUCT);
        for (Activation activation : Activation.values()) {
            capabilities.add(Capability.valueOf(activation.name()));
        }
        for (Head head : Head.values()) {
            capabilities.add(Capability.valueOf(head.name()));
        }
        if (!anyCellState) { // the cell-state results are promised only for a cell with a cell state: none here
            offered.removeAll(EnumSet.of(Capability.CELL_STATES, Capability.INITIAL_CELL_STATE_GRADIENTS));
        }
        capabilities.addAll(offered);
        PluginInfo info = new PluginInfo(ID, "Stored conformance vectors in " + directory,
                generators.isEmpty() ? "unknown" : String.join("; ", generators), "bptt-harness",
                "Answers each case with the expected results stored in its vector file; computes nothing.");
        StoredVectorsOracle oracle = new StoredVectorsOracle(info, Collections.unmodifiableSet(capabilities), answers);
        cases.addAll(truncatedCases);
        return new Loaded(oracle, List.copyOf(cases), index, List.copyOf(warnings));
    }

    /**
     * Leaves in {@code offered} only the optional quantities {@code vector} holds: the oracle offers what every file
     * has, and the cell-state results what every file of a cell with a cell state has.
     */
    private static void retainOffered(Set<Capability> offered, VectorFile vector) {
        if (vector.expectedForward().hiddenStates() == null) {
            offered.remove(Capability.HIDDEN_STATES);
        }
        GradientResult gradients = vector.expectedGradients();
        if (gradients.inputGradients() == null) {
            offered.remove(Capability.INPUT_GRADIENTS);
        }
        if (gradients.initialStateGradients() == null) {
            offered.remove(Capability.INITIAL_STATE_GRADIENTS);
        }
        if (gradients.hiddenStateGradients() == null) {
            offered.remove(Capability.HIDDEN_STATE_GRADIENTS);
        }
        if (vector.testCase().spec().cell().hasCellState()) {
            if (vector.expectedForward().cellStates() == null) {
                offered.remove(Capability.CELL_STATES);
            }
            if (gradients.initialCellStateGradients() == null) {
                offered.remove(Capability.INITIAL_CELL_STATE_GRADIENTS);
            }
        }
    }

    private static List<String> jsonFilesIn(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".json") && !name.equals(VectorIndex.FILE_NAME) && !name.startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    /**
     * A valid one-step case named after an unreadable file (d = H = K = 1, tanh, per-step softmax), made distinct
     * from every other stand-in by its input value {@code number}.
     */
    private static Case standIn(String fileName, int number) {
        ModelSpec spec = ModelSpec.of(1, 1, 1);
        Batch batch = new Batch(Tensor.of(new double[] {number}, 1, 1, 1), Tensor.of(new double[] {1}, 1, 1, 1), null, null);
        String id = fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - ".json".length()) : fileName;
        return new Case(id, "stand-in for the unreadable vector file " + fileName, spec, Parameters.zeros(spec), batch, 0);
    }

    private static Key key(Case testCase, Truncation truncation) {
        return new Key(testCase.spec().withDataType(DataType.FLOAT64), testCase.parameters(), testCase.batch(), truncation);
    }

    private Answer answer(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
        Answer answer = answers.get(new Key(spec.withDataType(DataType.FLOAT64), parameters, batch, truncation));
        if (answer == null) {
            throw new IllegalStateException("no stored vector holds this case (" + spec.label()
                    + (truncation == null ? "" : ", " + truncation) + "): the oracle answers only the cases read from its folder");
        }
        if (answer.error() != null) {
            throw new InvalidInputException(answer.error());
        }
        return answer;
    }

    @Override
    public PluginInfo info() {
        return info;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
        return answer(spec, parameters, batch, null).forward();
    }

    @Override
    public GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
        return answer(spec, parameters, batch, null).gradients();
    }

    @Override
    public GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
        return answer(spec, parameters, batch, truncation).gradients();
    }
}
