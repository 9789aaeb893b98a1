package org.bptt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bptt.api.Cell;
import org.bptt.api.InvalidInputException;
import org.bptt.api.ParameterDeclaration;
import org.bptt.api.ParameterName;
import org.bptt.api.ParameterNames;
import org.bptt.api.Topology;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.diagnose.MistakeCatalogues;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.core.verify.OracleComputation;
import org.bptt.coursework.AnswerCheck;
import org.bptt.coursework.AnswerDiagnosis;
import org.bptt.coursework.AnswerSheet;
import org.bptt.coursework.BpttTable;
import org.bptt.coursework.ExplainCase;
import org.bptt.coursework.ExplainReport;
import org.bptt.coursework.Explanation;
import org.bptt.coursework.ReferenceAgreement;
import org.bptt.coursework.StackedExplanation;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.bptt.reports.RunOutputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bptt explain}: coursework mode, the unrolled network, closed form, tape, adjoints and BPTT table of a small case. */
@Command(name = "explain",
        header = "Coursework mode: the unrolled network, the closed form, the tape and its adjoints, the BPTT table.",
        mixinStandardHelpOptions = true,
        description = {
            "Explain one small case (B = 1) step by step: an SVG of the network unrolled over T steps, y_{T-1} as a",
            "nested expression (text and LaTeX), the Wengert list of the forward pass with every value, the reverse",
            "sweep from L̄ = 1 with every adjoint and the rule that produced it, the forward-mode recursion",
            "∂h_t/∂θ, and the BPTT table of contributions ∂J(t)/∂W|_(k). Writes explain.md, explain.html,",
            "unrolled.svg, tape.csv and an Allure report into a new run folder.",
            "--cell gru|lstm (with --reset, --peepholes, --two-biases, --no-biases) explains a gated cell: its gates",
            "in the drawing, each step's gates written out as the closed form, every gate pre-activation, gate,",
            "candidate, c_t and h_t on the tape with its adjoint, and a BPTT table with the state gradients arriving",
            "at each step from the right and each parameter's contribution (no forward-mode recursion).",
            "With --check FILE, a student's values (spec, seed and answers in JSON; see coursework/README.md) are",
            "checked: each is right or wrong, with the correct value and the tape step where it first departs,",
            "and the catalogued mistake (or two) whose values the wrong answers are, if any;",
            "the spec options are then taken from the file. The explanation is checked against the reference plugin",
            "(reference-aggregated, found like every plugin). Exit 1 when an answer is wrong or the reference fails.",
            "--layers 2|3 and --direction bidirectional (with --combine) explain a stacked or bidirectional network",
            "for T <= 3: the unrolled drawing with every layer's and direction's weights named (l1.W, l0.reverse.U),",
            "the reference's loss and gradients, and their agreement with finite differences (explain.md, explain.html,",
            "unrolled.svg; the tape, closed form, BPTT table and --check are for one forward layer only)."})
final class ExplainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    PluginOptions pluginOptions;

    @Mixin
    OutputOptions outputOptions;

    @Mixin
    TimeoutOptions timeoutOptions;

    @Option(names = {"-d", "--input-size"}, paramLabel = "d", defaultValue = "2", description = "Input size d (default: ${DEFAULT-VALUE}).")
    int inputSize;

    @Option(names = {"-H", "--hidden-size"}, paramLabel = "H", defaultValue = "2", description = "Hidden size H (default: ${DEFAULT-VALUE}).")
    int hiddenSize;

    @Option(names = {"-K", "--output-size"}, paramLabel = "K", defaultValue = "2",
            description = "Output size K (default: ${DEFAULT-VALUE}; 1 for the sigmoid head).")
    int outputSize;

    @Option(names = {"-T", "--T", "--steps"}, paramLabel = "T", defaultValue = "3", description = "Sequence length T (default: ${DEFAULT-VALUE}).")
    int steps;

    @Mixin
    SpecOptions specOptions;

    @Option(names = "--initial-state", description = "Start from a random h_{-1} (and an LSTM's c_{-1}) instead of zeros.")
    boolean initialState;

    @Option(names = {"--seed", "--case-seed"}, paramLabel = "N", defaultValue = "1",
            description = "Seed of the weights, inputs and targets (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    NetworkOptions network = new NetworkOptions();

    @Option(names = "--check", paramLabel = "FILE", description = "Check a student's answers (JSON; see coursework/README.md).")
    Path answersFile;

    @Option(names = "--no-allure", description = "Skip the Allure result and report (faster).")
    boolean noAllure;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Topology topology = topology();
        if (!topology.single()) {
            return explainStacked(out, topology);
        }
        AnswerSheet sheet = answersFile == null ? null : AnswerSheet.read(answersFile);
        ExplainCase example = sheet != null ? sheet.example() : fromOptions();
        LoadedPlugin reference = pluginOptions.discover(spec.commandLine().getErr()).require(Explanation.REFERENCE_ID);
        Explanation explanation;
        try {
            explanation = Explanation.of(example, timeoutOptions.calls().isolate(reference));
        } catch (PluginCallFailure failure) {
            spec.commandLine().getErr().printf(Locale.ROOT, "error: the reference %s%n", failure.describe());
            return ExitCode.DIVERGED;
        }
        AnswerCheck check = sheet == null ? null : AnswerCheck.of(sheet, explanation);
        ReferenceAgreement agreement = ReferenceAgreement.of(explanation);

        RunFolder run = outputOptions.create("explain");
        Provenance provenance = provenance(example, sheet, reference);
        ExplainReport.Written written;
        try {
            RunOutputs outputs = new RunOutputs(run);
            outputs.writeProvenance(provenance);
            written = ExplainReport.write(run, explanation, agreement, check, !noAllure, Clock.systemUTC());
            outputs.writeProvenance(provenance.withEnd(Clock.systemUTC().instant()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the explanation into " + run.path() + ": " + e.getMessage(), e);
        }

        summary(out, explanation, agreement);
        if (check != null) {
            out.println();
            out.println("answers in " + answersFile + ":");
            for (AnswerCheck.Result result : check.results()) {
                out.println(result.describe());
            }
            long wrong = check.results().stream().filter(r -> !r.right()).count();
            out.printf(Locale.ROOT, "%d right, %d wrong%n", check.results().size() - wrong, wrong);
            AnswerDiagnosis.of(check, explanation, sheet.tolerance(), MistakeCatalogues.fromClassPath(),
                            new OracleComputation(timeoutOptions.calls().isolate(reference)))
                    .ifPresent(diagnosis -> out.println("diagnosis: " + diagnosis.describe()));
        }
        out.println();
        out.println("wrote " + run.path());
        for (Path file : written.files()) {
            out.println("  " + run.path().relativize(file));
        }
        if (written.report() != null) {
            out.println("HTML report: " + written.report());
        }
        boolean passed = agreement.allAgree() && (check == null || check.allRight());
        return passed ? ExitCode.OK : ExitCode.DIVERGED;
    }

    /** The topology the options choose; a bad combination is the user's mistake (exit 2). */
    private Topology topology() {
        InvalidInputException.require(network.layers >= 1 && network.layers <= 3,
                "--layers %d: explain draws networks of 1, 2 or 3 layers", network.layers);
        return network.topology();
    }

    /** A stacked or bidirectional network: the drawing, the reference's gradients and their finite-difference check. */
    private int explainStacked(PrintWriter out, Topology topology) {
        InvalidInputException.require(steps <= StackedExplanation.MAX_STEPS,
                "--steps (T) = %d: a stacked or bidirectional network is drawn for T <= %d", steps, StackedExplanation.MAX_STEPS);
        ExplainCase example = new ExplainCase(specOptions.spec(inputSize, hiddenSize, outputSize).withTopology(topology), steps,
                initialState, seed);
        LoadedPlugin reference = pluginOptions.discover(spec.commandLine().getErr()).require(Explanation.REFERENCE_ID);
        StackedExplanation explanation;
        try {
            explanation = StackedExplanation.of(example, timeoutOptions.calls().isolate(reference));
        } catch (PluginCallFailure failure) {
            spec.commandLine().getErr().printf(Locale.ROOT, "error: the reference %s%n", failure.describe());
            return ExitCode.DIVERGED;
        }
        RunFolder run = outputOptions.create("explain");
        Provenance provenance = provenance(example, null, reference);
        ExplainReport.Written written;
        try {
            RunOutputs outputs = new RunOutputs(run);
            outputs.writeProvenance(provenance);
            written = ExplainReport.writeStacked(run, explanation);
            outputs.writeProvenance(provenance.withEnd(Clock.systemUTC().instant()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the explanation into " + run.path() + ": " + e.getMessage(), e);
        }
        out.println("bptt explain: " + example.describe());
        out.printf(Locale.ROOT, "drawing:      %d layer%s, %s, T = %d (%s)%n", topology.layers(), topology.layers() == 1 ? "" : "s",
                topology.bidirectional() ? "bidirectional, combined by " + topology.combine().name().toLowerCase(Locale.ROOT) : "forward",
                steps, ExplainReport.SVG_FILE);
        out.println("loss:         L = " + explanation.reference().loss());
        // The recurrent weights of every layer and direction, where BPTT does its work; explain.md has them all.
        for (String parameter : explanation.parameterNames()) {
            if (ParameterName.parse(parameter).base().startsWith(ParameterNames.W)) {
                out.println(String.format(Locale.ROOT, "%-19s", "dL/d" + parameter + " =")
                        + format(matrix(explanation.reference().parameterGradients().get(parameter))));
            }
        }
        if (explanation.agrees()) {
            out.printf(Locale.ROOT, "finite diff.: every dL/dθ of %s (%d parameters) agrees with finite differences "
                    + "(relative tolerance %s)%n", Explanation.REFERENCE_ID, explanation.parameterNames().size(), StackedExplanation.TOLERANCE);
        } else {
            out.println("finite diff.: DISAGREEMENT (a bug in the reference, please report it): "
                    + explanation.finiteDifferences().worst().orElseThrow().describe());
        }
        out.println("not shown:    " + StackedExplanation.ONE_LAYER_ONLY);
        if (answersFile != null) {
            out.println("--check " + answersFile + ": not checked; answers are checked for a one-layer forward network only");
        }
        out.println();
        out.println("wrote " + run.path());
        for (Path file : written.files()) {
            out.println("  " + run.path().relativize(file));
        }
        return explanation.agrees() ? ExitCode.OK : ExitCode.DIVERGED;
    }

    private ExplainCase fromOptions() {
        return new ExplainCase(specOptions.spec(inputSize, hiddenSize, outputSize), steps, initialState, seed);
    }

    private static void summary(PrintWriter out, Explanation explanation, ReferenceAgreement agreement) {
        int last = explanation.steps() - 1;
        out.println("bptt explain: " + explanation.example().describe());
        out.println("closed form:  " + explanation.closedForm().text(last));
        out.printf(Locale.ROOT, "tape:         %d nodes, %d reverse-sweep terms, L = %s%n", explanation.tape().nodes().size(),
                explanation.tape().reverseSweep().size(), explanation.tape().node("L").value()[0][0]);
        boolean elman = explanation.source().spec().cell() == Cell.ELMAN;
        // The Elman cell's U and W; a gated cell's recurrent weights W_*, where BPTT does its work.
        List<String> shown = elman ? List.of(ParameterNames.U, ParameterNames.W) : explanation.source().spec().parameters().stream()
                .filter(declaration -> declaration.dimensions().equals(List.of("H", "H"))).map(ParameterDeclaration::name).toList();
        for (String parameter : shown) {
            out.println(String.format(Locale.ROOT, "%-14s", "dL/d" + parameter + " =") + format(explanation.tape().parameterGradient(parameter)));
        }
        BpttTable table = explanation.table();
        StringBuilder lags = new StringBuilder();
        for (BpttTable.LagNorms lag : table.lags()) {
            lags.append(lags.length() > 0 ? ", " : "").append(String.format(Locale.ROOT, "lag %d: %s", lag.lag(),
                    lag.normOfSumRecurrent() == 0 ? "0" : String.format(Locale.ROOT, "%.3g", lag.normOfSumRecurrent())));
        }
        out.printf(Locale.ROOT, "BPTT table:   %d contributions ∂J(t)/∂%s|_(k); ‖Σ‖ by %s%n", table.rows().size(),
                elman ? "W" : "W_*", lags);
        if (agreement.allAgree()) {
            out.printf(Locale.ROOT, "reference:    L and every dL/dθ by reverse sweep, %sBPTT table agree with %s "
                    + "(%d comparisons)%n", elman ? "forward mode and " : "", Explanation.REFERENCE_ID, agreement.comparisons().size());
        } else {
            QuantityComparison first = agreement.comparisons().stream().filter(c -> !c.passed()).findFirst().orElseThrow();
            out.println("reference:    DISAGREEMENT (a bug in bptt explain, please report it): " + first.describe());
        }
    }

    /** A recurrent weight's [H, H] gradient as rows. */
    private static double[][] matrix(org.bptt.api.Tensor tensor) {
        double[][] rows = new double[tensor.size(0)][tensor.size(1)];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(tensor.data(), i * rows[i].length, rows[i], 0, rows[i].length);
        }
        return rows;
    }

    private static String format(double[][] matrix) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < matrix.length; i++) {
            text.append(i > 0 ? ", " : "").append('[');
            for (int j = 0; j < matrix[i].length; j++) {
                text.append(j > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.6g", matrix[i][j]));
            }
            text.append(']');
        }
        return text.append(']').toString();
    }

    private Provenance provenance(ExplainCase example, AnswerSheet sheet, LoadedPlugin reference) {
        Map<String, String> extra = new java.util.LinkedHashMap<>();
        extra.put("case", example.id());
        if (answersFile != null) {
            extra.put("answers", answersFile.toString());
        }
        TolerancePolicy tolerance = sheet != null ? sheet.tolerance() : TolerancePolicy.defaults();
        return Provenance.capture(spec.commandLine().getParseResult().originalArgs(), VersionProvider.toolVersion(),
                List.of(new Provenance.PluginVersion(reference.id(), reference.info().version(), reference.source())),
                List.of(example.seed()), "explain", tolerance.describe(), extra, Path.of("."), Clock.systemUTC().instant());
    }
}
