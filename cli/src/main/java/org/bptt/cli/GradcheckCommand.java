package org.bptt.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.InvalidInputException;
import org.bptt.api.Quantity;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.gradcheck.FiniteDifferences;
import org.bptt.core.gradcheck.GradientCheck;
import org.bptt.core.gradcheck.ParameterCheck;
import org.bptt.core.plugins.IsolatedPlugin;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.plugins.PluginRegistry;
import org.bptt.core.verify.DivergenceExplainer;
import org.bptt.core.verify.KnownDivergences;
import org.bptt.reports.junit.JunitXml;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bptt gradcheck}: each implementation's gradients against central finite differences of its own loss. */
@Command(name = "gradcheck",
        header = "Gradients against finite differences, per parameter, on one case.", mixinStandardHelpOptions = true,
        description = {
            "Check each implementation's gradients against finite differences of its own loss, on one case",
            "given by options (--cell with its options: --reset, --peepholes, --two-biases) or by a JSON file",
            "(--spec). Prints, per parameter (and x, h0, an LSTM's c0), the largest relative and absolute error;",
            "exits 1 when one exceeds the tolerance or a plugin fails (throws, hangs: --timeout)."})
final class GradcheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    PluginOptions pluginOptions;

    @Mixin
    CaseOptions caseOptions;

    @Mixin
    TimeoutOptions timeoutOptions;

    @Mixin
    JunitXmlOptions junitXml;

    @Option(names = "--impl", paramLabel = "ID",
            description = "Implementation to check (repeatable). Default: every plugin able to run the case.")
    List<String> implementationIds = new ArrayList<>();

    @Option(names = "--tolerance", paramLabel = "REL", defaultValue = "1e-6",
            description = "Largest relative error that passes (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--epsilon", paramLabel = "EPS", defaultValue = "" + FiniteDifferences.DEFAULT_EPSILON,
            description = "Finite-difference step (default: ${DEFAULT-VALUE}; fourth-order central differences).")
    double epsilon;

    @Option(names = "--max-elements", paramLabel = "N", defaultValue = "" + FiniteDifferences.DEFAULT_MAX_ELEMENTS_PER_PARAMETER,
            description = "Check every element of a parameter up to N elements, else a seeded random N (default: ${DEFAULT-VALUE}).")
    int maxElements;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        InvalidInputException.require(tolerance > 0, "--tolerance must be positive, got %s", tolerance);
        InvalidInputException.require(epsilon > 0, "--epsilon must be positive, got %s", epsilon);
        InvalidInputException.require(maxElements >= 1, "--max-elements must be at least 1, got %d", maxElements);
        Case testCase = caseOptions.toCase();
        PluginCalls calls = timeoutOptions.calls();
        PluginRegistry registry = pluginOptions.discover(spec.commandLine().getErr());
        List<LoadedPlugin> implementations = new ArrayList<>();
        for (String id : implementationIds) {
            implementations.add(registry.require(id));
        }
        if (implementations.isEmpty()) {
            implementations.addAll(registry.plugins());
        }

        out.printf(Locale.ROOT, "case %s: %s, B=%d, T=%d%s%s%s, seed %d%n", testCase.id(), testCase.spec().label(),
                testCase.batch().batchSize(), testCase.batch().steps(), testCase.batch().mask() != null ? ", masked" : "",
                testCase.batch().initialState() != null ? ", with h_{-1}" : "",
                testCase.batch().initialCellState() != null ? ", with c_{-1}" : "", testCase.seed());
        FiniteDifferences finiteDifferences = new FiniteDifferences(epsilon, maxElements, testCase.seed());
        out.printf(Locale.ROOT, "finite differences: fourth-order central, epsilon %s; pass when relative error <= %s%n%n",
                epsilon, tolerance);
        out.printf(Locale.ROOT, "%-22s %-6s %9s %12s %12s  %s%n", "implementation", "param", "checked", "max rel err", "max abs err", "worst element");
        boolean allPassed = true;
        String suite = "gradcheck " + testCase.id();
        List<JunitXml.TestCase> testCases = new ArrayList<>();
        // Each distinct explanation of a known divergence, printed once after the table.
        Map<String, String> explained = new LinkedHashMap<>();
        for (LoadedPlugin implementation : implementations) {
            String className = "gradcheck." + implementation.id();
            Set<Capability> missing = Capability.requiredBy(testCase.spec(), testCase.batch());
            missing.removeAll(implementation.capabilities());
            if (!missing.isEmpty()) {
                out.printf(Locale.ROOT, "%-22s skipped: lacks %s%n", implementation.id(), missing);
                testCases.add(new JunitXml.TestCase(suite, className, testCase.id(), 0, JunitXml.Outcome.SKIPPED,
                        implementation.id() + " lacks " + missing));
                continue;
            }
            IsolatedPlugin isolated = calls.isolate(implementation);
            GradientCheck check;
            long start = System.nanoTime();
            try {
                check = finiteDifferences.check(isolated, testCase);
            } catch (PluginCallFailure failure) {
                allPassed = false;
                out.printf(Locale.ROOT, "%-22s ERROR: %s%n", implementation.id(), failure.getMessage());
                testCases.add(new JunitXml.TestCase(suite, className, testCase.id(), (System.nanoTime() - start) / 1e9,
                        JunitXml.Outcome.ERROR, failure.getMessage()));
                continue;
            }
            double seconds = (System.nanoTime() - start) / 1e9 / Math.max(1, check.parameters().size());
            for (ParameterCheck parameter : check.parameters()) {
                boolean passed = parameter.passed(tolerance);
                // The same explanations verify consults: a documented divergence of the library is not a failure.
                Optional<String> explanation = passed ? Optional.empty() : DivergenceExplainer.explain(
                        KnownDivergences.none(), isolated, SuiteCase.fullBptt(testCase), quantity(parameter.name()));
                explanation.ifPresent(text -> explained.putIfAbsent(text, "[" + (explained.size() + 1) + "]"));
                allPassed &= passed || explanation.isPresent();
                String verdict = passed ? "" : explanation.map(text -> "  KNOWN DIVERGENCE " + explained.get(text))
                        .orElse("  FAIL");
                out.printf(Locale.ROOT, "%-22s %-6s %4d/%-4d %12.3e %12.3e  %s%s%n", implementation.id(), parameter.name(),
                        parameter.checked(), parameter.elements(), parameter.maxRelativeError(), parameter.maxAbsoluteError(),
                        parameter.worstIndex().isEmpty() ? "-" : parameter.worstIndex(),
                        verdict + (parameter.note().isEmpty() ? "" : "  (" + parameter.note() + ")"));
                String name = testCase.id() + " " + quantity(parameter.name()).name();
                testCases.add(passed || explanation.isPresent()
                        ? new JunitXml.TestCase(suite, className, name, seconds, JunitXml.Outcome.PASSED,
                                explanation.map(text -> "known divergence: " + text + " (" + parameter.describe() + ")")
                                        .orElse(""))
                        : new JunitXml.TestCase(suite, className, name, seconds, JunitXml.Outcome.FAILED,
                                parameter.describe() + ", beyond the relative tolerance " + tolerance));
            }
        }
        if (!explained.isEmpty()) {
            out.println();
            out.println("Known third-party divergences (the same explanations verify gives; they do not fail the check):");
            explained.forEach((text, mark) -> out.printf(Locale.ROOT, "  %s %s%n", mark, text));
        }
        out.println();
        out.println(allPassed ? (explained.isEmpty() ? "all gradients agree with finite differences"
                : "every other gradient agrees with finite differences") : "GRADIENT CHECK FAILED");
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("command", String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        properties.put("tool.version", VersionProvider.toolVersion());
        properties.put("case", testCase.id());
        properties.put("model", testCase.spec().label());
        properties.put("seed", Long.toString(testCase.seed()));
        properties.put("finite differences", "fourth-order central, epsilon " + epsilon);
        properties.put("relative tolerance", Double.toString(tolerance));
        junitXml.write("bptt gradcheck", testCases, properties, out);
        return allPassed ? ExitCode.OK : ExitCode.DIVERGED;
    }

    /** The compared quantity a checked parameter's gradient is: x, h0, c0 or a declared parameter. */
    private static Quantity quantity(String checked) {
        return switch (checked) {
            case "x" -> Quantity.INPUT_GRADIENTS;
            case "h0" -> Quantity.INITIAL_STATE_GRADIENTS;
            case "c0" -> Quantity.INITIAL_CELL_STATE_GRADIENTS;
            default -> Quantity.gradientOf(checked);
        };
    }
}
