package org.bptt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.bptt.api.Activation;
import org.bptt.api.DataType;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LanguageModelForward;
import org.bptt.api.LanguageModelGradients;
import org.bptt.api.LanguageModelImplementation;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.Tensor;
import org.bptt.api.TokenBatch;
import org.bptt.core.compare.IndexLabels;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TensorComparator;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.datasets.text.TokenCorpus;
import org.bptt.datasets.text.Tokenization;
import org.bptt.outputs.Table;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.bptt.reports.RunOutputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bptt lm}: every installed RNN language model ({@link LanguageModelImplementation}) against the reference
 * {@code reference-lm} on a corpus, on the same seeded weights: loss and perplexity, hidden states, predicted
 * distributions and every parameter gradient, under the harness's default {@link TolerancePolicy} for doubles.
 * Optionally {@code --train N} steps of plain SGD on the oracle, to show the perplexity fall.
 */
@Command(name = "lm", mixinStandardHelpOptions = true,
        header = "The RNN language model: every implementation against reference-lm on a corpus.",
        description = {
            "Run every installed RNN language model (embedding lookup, Elman RNN, softmax over the vocabulary)",
            "on a corpus with the same seeded weights as reference-lm, and compare the loss, the perplexity, the",
            "hidden states, the predicted distributions and the gradient of every parameter (L, W_e, W_h, b1, U,",
            "b2). Each line of the corpus is one sequence; the loss is the mean cross-entropy of predicting each",
            "next token. Without --file, a built-in corpus of Elman-style sentences is used. Writes",
            "lm-comparison.csv and lm-losses.csv (and lm-training.csv with --train) to a run folder; exits 1 when",
            "an implementation disagrees or fails."})
final class LanguageModelCommand implements Callable<Integer> {

    /** The oracle's id. */
    static final String REFERENCE_ID = "reference-lm";

    /**
     * The built-in corpus: sentences in the style of Elman's (1990) small word grammar (NOUN VERB NOUN, NOUN VERB),
     * one per line, with the full stop as a token of its own.
     */
    static final String BUILT_IN_CORPUS = String.join("\n",
            "boy sees dog .",
            "girl eats cookie .",
            "dog chases cat .",
            "woman smells bread .",
            "man breaks glass .",
            "cat sleeps .",
            "monster eats man .",
            "girl sees woman .",
            "dragon breaks plate .",
            "boy moves .",
            "woman eats sandwich .",
            "cat chases mouse .");

    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions outputOptions;

    @Option(names = "--impl", paramLabel = "ID",
            description = "Language model to compare (repeatable). Default: every one installed.")
    List<String> implementationIds = new ArrayList<>();

    @Option(names = "--file", paramLabel = "PATH",
            description = "A UTF-8 text file as the corpus, one sequence per line. Default: the built-in sentences.")
    Path file;

    @Option(names = "--tokens", paramLabel = "chars|words",
            description = "How --file is cut into tokens: characters, or whitespace-separated words (default: chars, as for dataset 'text').")
    String tokens;

    @Option(names = "--embedding-size", paramLabel = "E", defaultValue = "8", description = "E (default: ${DEFAULT-VALUE}).")
    int embeddingSize;

    @Option(names = "--hidden-size", paramLabel = "H", defaultValue = "16", description = "H (default: ${DEFAULT-VALUE}).")
    int hiddenSize;

    @Option(names = "--activation", paramLabel = "F", defaultValue = "sigmoid",
            description = "tanh, sigmoid, relu or identity (default: ${DEFAULT-VALUE}, as in the lecture notes).")
    String activation;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--init-scale", paramLabel = "S", defaultValue = "0.5",
            description = "Weights are drawn uniformly from [-S, S] (default: ${DEFAULT-VALUE}).")
    double initScale;

    @Option(names = "--train", paramLabel = "N", defaultValue = "0",
            description = "After the comparison, N steps of full-batch SGD on reference-lm, printing the perplexity (default: ${DEFAULT-VALUE}).")
    int trainSteps;

    @Option(names = "--learning-rate", paramLabel = "ETA", defaultValue = "1.0",
            description = "The SGD step size of --train (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        validateOptions();
        Corpus corpus = corpus();
        LanguageModelSpec modelSpec = new LanguageModelSpec(corpus.tokens().vocabularySize(), embeddingSize, hiddenSize,
                Activation.parse(activation));
        LanguageModelParameters parameters = initialParameters(modelSpec, seed, initScale);
        TokenBatch batch = corpus.batch();
        List<LanguageModelImplementation> installed = discover(err);
        LanguageModelImplementation oracle = installed.stream().filter(plugin -> plugin.info().id().equals(REFERENCE_ID))
                .findFirst().orElseThrow(() -> new InvalidInputException("the reference language model " + REFERENCE_ID
                        + " is not installed; found " + installed.stream().map(plugin -> plugin.info().id()).toList()));
        List<LanguageModelImplementation> implementations = selected(installed);

        out.printf(Locale.ROOT, "bptt lm: %s: %d sequences, %d predicted tokens, |V| = %d%s%n", corpus.description(),
                batch.batchSize(), batch.predictedTokens(), modelSpec.vocabularySize(),
                corpus.skipped() > 0 ? ", " + corpus.skipped() + " one-token lines left out" : "");
        out.printf(Locale.ROOT, "model: E=%d, H=%d, %s; weights uniform in [-%s, %s], seed %d; tolerance: default policy (float64)%n%n",
                embeddingSize, hiddenSize, modelSpec.activation().name().toLowerCase(Locale.ROOT), initScale, initScale, seed);

        RunFolder run = outputOptions.create("lm");
        Provenance provenance = Provenance.capture(spec.commandLine().getParseResult().originalArgs(),
                VersionProvider.toolVersion(), pluginVersions(oracle, implementations), List.of(seed),
                "lm " + corpus.description(), TolerancePolicy.defaults().describe(),
                settings(modelSpec, corpus), Path.of("."), Clock.systemUTC().instant());
        RunOutputs outputs = new RunOutputs(run);
        try {
            outputs.writeProvenance(provenance);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }

        LanguageModelComparison comparison = new LanguageModelComparison(modelSpec, parameters, batch, oracle);
        out.printf(Locale.ROOT, "%-22s %14s %12s  %s%n", "implementation", "loss", "perplexity", "result");
        out.printf(Locale.ROOT, "%-22s %14.10f %12.6f  oracle (a uniform predictor has perplexity %d)%n", REFERENCE_ID,
                comparison.expectedForward.loss(), comparison.expectedForward.perplexity(), modelSpec.vocabularySize());
        boolean allPassed = true;
        List<LanguageModelComparison.Outcome> outcomes = new ArrayList<>();
        for (LanguageModelImplementation implementation : implementations) {
            LanguageModelComparison.Outcome outcome = comparison.run(implementation);
            outcomes.add(outcome);
            allPassed &= outcome.passed();
            if (outcome.error() != null) {
                out.printf(Locale.ROOT, "%-22s %14s %12s  ERROR: %s%n", outcome.id(), "-", "-", outcome.error());
            } else {
                out.printf(Locale.ROOT, "%-22s %14.10f %12.6f  %s%n", outcome.id(), outcome.loss(), Math.exp(outcome.loss()),
                        !outcome.passed() ? "FAIL" : outcome.knownDivergences().isEmpty() ? "PASS"
                                : "PASS with " + outcome.knownDivergences().size() + " known divergence(s)");
            }
        }
        printErrors(out, outcomes);

        List<Table> tables = new ArrayList<>(List.of(comparisonTable(outcomes), lossTable(comparison, outcomes)));
        if (trainSteps > 0) {
            tables.add(train(out, oracle, modelSpec, parameters, batch));
        }
        try {
            outputs.writeTables(tables);
            outputs.writeProvenance(provenance.withEnd(Clock.systemUTC().instant()));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }

        out.println();
        out.println(implementations.isEmpty() ? "bptt lm: no implementation to compare with " + REFERENCE_ID
                : allPassed ? "bptt lm: every implementation agrees with " + REFERENCE_ID
                : "bptt lm: DISAGREEMENT with " + REFERENCE_ID);
        out.printf(Locale.ROOT, "run folder: %s%n", run.path());
        out.printf(Locale.ROOT, "tables:     %s%n", String.join(", ", tables.stream().map(table -> table.name() + ".csv").toList()));
        return allPassed ? ExitCode.OK : ExitCode.DIVERGED;
    }

    private void validateOptions() {
        InvalidInputException.require(embeddingSize >= 1, "--embedding-size (E) must be at least 1, got %d", embeddingSize);
        InvalidInputException.require(hiddenSize >= 1, "--hidden-size (H) must be at least 1, got %d", hiddenSize);
        InvalidInputException.require(initScale > 0 && Double.isFinite(initScale), "--init-scale must be positive, got %s", initScale);
        InvalidInputException.require(trainSteps >= 0, "--train must be at least 0, got %d", trainSteps);
        InvalidInputException.require(learningRate > 0 && Double.isFinite(learningRate),
                "--learning-rate must be positive, got %s", learningRate);
        InvalidInputException.require(file != null || tokens == null,
                "--tokens applies to --file; the built-in corpus is cut into words");
    }

    /** The corpus (from --file or built in), and the batch of its lines that have at least two tokens. */
    private Corpus corpus() {
        TokenCorpus tokenCorpus = file == null
                ? TokenCorpus.fromText(BUILT_IN_CORPUS, Tokenization.WORDS)
                : TokenCorpus.read(file, tokens == null ? Tokenization.CHARACTERS : Tokenization.parse(tokens));
        List<int[]> usable = tokenCorpus.sequences().stream().filter(sequence -> sequence.length >= 2).toList();
        String description = file == null ? "built-in Elman-style sentences (words)"
                : file + " (" + tokenCorpus.tokenization().cliName() + ")";
        InvalidInputException.require(!usable.isEmpty(), "%s: no line has two or more tokens, so there is no next token to predict",
                description);
        return new Corpus(tokenCorpus, new TokenBatch(usable.toArray(int[][]::new)), description,
                tokenCorpus.sequences().size() - usable.size());
    }

    /** A corpus, the batch of its usable lines, how it is described, and how many one-token lines were left out. */
    private record Corpus(TokenCorpus tokens, TokenBatch batch, String description, int skipped) {
    }

    /** Every parameter uniform in [−scale, scale], drawn from {@code seed} in the order of {@link LanguageModelParameters#NAMES}. */
    static LanguageModelParameters initialParameters(LanguageModelSpec spec, long seed, double scale) {
        SplittableRandom random = new SplittableRandom(seed);
        LanguageModelParameters parameters = LanguageModelParameters.zeros(spec);
        for (String name : LanguageModelParameters.NAMES) {
            Tensor tensor = parameters.get(name).copy();
            for (int i = 0; i < tensor.length(); i++) {
                tensor.data()[i] = random.nextDouble(-scale, scale);
            }
            parameters = parameters.with(name, tensor);
        }
        return parameters;
    }

    /**
     * Every {@link LanguageModelImplementation} on the class path, each instantiated on its own so that one that
     * cannot be is reported (a warning) and the others still load; a second plugin with an id already taken is
     * refused with a warning.
     */
    private static List<LanguageModelImplementation> discover(PrintWriter err) {
        Map<String, LanguageModelImplementation> byId = new LinkedHashMap<>();
        var providers = ServiceLoader.load(LanguageModelImplementation.class).stream().iterator();
        while (true) {
            ServiceLoader.Provider<LanguageModelImplementation> provider;
            try {
                if (!providers.hasNext()) {
                    break;
                }
                provider = providers.next();
            } catch (ServiceConfigurationError unloadable) {
                // A services line naming a class that is missing or of the wrong type: report it, go on with the rest.
                err.printf(Locale.ROOT, "warning: a language model was not loaded: %s%n", unloadable.getMessage());
                continue;
            }
            try {
                LanguageModelImplementation plugin = provider.get();
                String id = plugin.info().id();
                if (byId.putIfAbsent(id, plugin) != null) {
                    err.printf(Locale.ROOT, "warning: language model %s from %s not loaded: the id %s is taken by %s%n",
                            provider.type().getName(), source(provider.type()), id, byId.get(id).getClass().getName());
                }
            } catch (RuntimeException | ServiceConfigurationError | LinkageError failure) {
                err.printf(Locale.ROOT, "warning: language model %s not loaded: %s%n", provider.type().getName(), failure);
            }
        }
        return new ArrayList<>(byId.values());
    }

    /** The implementations to compare: those named by --impl, else every installed one but the oracle. */
    private List<LanguageModelImplementation> selected(List<LanguageModelImplementation> installed) {
        if (implementationIds.isEmpty()) {
            return installed.stream().filter(plugin -> !plugin.info().id().equals(REFERENCE_ID)).toList();
        }
        List<LanguageModelImplementation> chosen = new ArrayList<>();
        for (String id : implementationIds) {
            chosen.add(installed.stream().filter(plugin -> plugin.info().id().equals(id)).findFirst()
                    .orElseThrow(() -> new InvalidInputException("no language model with id '" + id + "'; installed: "
                            + installed.stream().map(plugin -> plugin.info().id()).toList())));
        }
        return chosen;
    }

    private static List<Provenance.PluginVersion> pluginVersions(LanguageModelImplementation oracle,
                                                                 List<LanguageModelImplementation> implementations) {
        List<Provenance.PluginVersion> versions = new ArrayList<>();
        versions.add(new Provenance.PluginVersion(oracle.info().id(), oracle.info().version(), source(oracle.getClass())));
        for (LanguageModelImplementation implementation : implementations) {
            versions.add(new Provenance.PluginVersion(implementation.info().id(), implementation.info().version(),
                    source(implementation.getClass())));
        }
        return versions;
    }

    /** The jar (or classes folder) a class was loaded from, or "classpath" when that is unknown. */
    private static String source(Class<?> type) {
        java.security.CodeSource codeSource = type.getProtectionDomain().getCodeSource();
        return codeSource == null || codeSource.getLocation() == null ? "classpath" : codeSource.getLocation().toString();
    }

    private Map<String, String> settings(LanguageModelSpec modelSpec, Corpus corpus) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("lm.corpus", corpus.description());
        settings.put("lm.sequences", Integer.toString(corpus.batch().batchSize()));
        settings.put("lm.predictedTokens", Integer.toString(corpus.batch().predictedTokens()));
        settings.put("lm.spec", modelSpec.label());
        settings.put("lm.initScale", Double.toString(initScale));
        settings.put("lm.train", Integer.toString(trainSteps));
        settings.put("lm.learningRate", Double.toString(learningRate));
        return settings;
    }

    /** Per implementation and quantity: elements compared and failed, and the worst element's errors. */
    private static void printErrors(PrintWriter out, List<LanguageModelComparison.Outcome> outcomes) {
        if (outcomes.stream().allMatch(outcome -> outcome.comparisons().isEmpty())) {
            return;
        }
        out.printf(Locale.ROOT, "%nWorst element per quantity (error ratio = error / allowed; ≤ 1 passes):%n");
        out.printf(Locale.ROOT, "%-22s %-17s %8s %11s %11s %11s  %s%n", "implementation", "quantity", "elements",
                "abs error", "rel error", "ratio", "result");
        for (LanguageModelComparison.Outcome outcome : outcomes) {
            for (QuantityComparison comparison : outcome.comparisons()) {
                var worst = comparison.worst();
                out.printf(Locale.ROOT, "%-22s %-17s %8d %11.2e %11.2e %11.2e  %s%n", outcome.id(), comparison.quantity(),
                        comparison.elements(), worst == null ? 0.0 : worst.absError(), worst == null ? 0.0 : worst.relError(),
                        worst == null ? 0.0 : worst.errorRatio(),
                        comparison.passed() ? "pass"
                                : outcome.knownDivergences().containsKey(comparison.quantity())
                                ? "KNOWN " + comparison.describe() + "\n" + " ".repeat(24) + "known divergence: "
                                        + outcome.knownDivergences().get(comparison.quantity())
                                : "FAIL " + comparison.describe());
            }
        }
    }

    private static Table comparisonTable(List<LanguageModelComparison.Outcome> outcomes) {
        Table.Builder table = Table.builder("lm-comparison", "implementation", "oracle", "quantity", "elements", "failed",
                "worst_index", "expected", "actual", "abs_error", "rel_error", "allowed", "error_ratio", "passed", "message",
                "known_divergence");
        for (LanguageModelComparison.Outcome outcome : outcomes) {
            if (outcome.error() != null) {
                table.row(outcome.id(), REFERENCE_ID, "", 0, 0, "", null, null, null, null, null, null, false, outcome.error(), "");
            }
            for (QuantityComparison comparison : outcome.comparisons()) {
                var worst = comparison.worst();
                table.row(outcome.id(), REFERENCE_ID, comparison.quantity(), comparison.elements(), comparison.failed(),
                        worst == null ? "" : worst.index(), worst == null ? null : worst.expected(),
                        worst == null ? null : worst.actual(), worst == null ? null : worst.absError(),
                        worst == null ? null : worst.relError(), worst == null ? null : worst.allowed(),
                        worst == null ? null : worst.errorRatio(), comparison.passed(),
                        comparison.passed() ? "" : comparison.describe(),
                        outcome.knownDivergences().getOrDefault(comparison.quantity(), ""));
            }
        }
        return table.build();
    }

    private static Table lossTable(LanguageModelComparison comparison, List<LanguageModelComparison.Outcome> outcomes) {
        Table.Builder table = Table.builder("lm-losses", "implementation", "loss", "perplexity", "predicted_tokens",
                "vocabulary_size", "passed");
        int predicted = comparison.batch.predictedTokens();
        int vocabulary = comparison.spec.vocabularySize();
        table.row(REFERENCE_ID, comparison.expectedForward.loss(), comparison.expectedForward.perplexity(), predicted, vocabulary, true);
        for (LanguageModelComparison.Outcome outcome : outcomes) {
            table.row(outcome.id(), outcome.error() == null ? outcome.loss() : null,
                    outcome.error() == null ? Math.exp(outcome.loss()) : null, predicted, vocabulary, outcome.passed());
        }
        return table.build();
    }

    /** {@code --train}: full-batch SGD on the oracle, θ ← θ − η dL/dθ, printing the perplexity as it falls. */
    private Table train(PrintWriter out, LanguageModelImplementation oracle, LanguageModelSpec modelSpec,
                        LanguageModelParameters initial, TokenBatch batch) {
        Table.Builder table = Table.builder("lm-training", "step", "loss", "perplexity", "gradient_norm");
        out.printf(Locale.ROOT, "%n--train %d: full-batch SGD on %s, learning rate %s%n", trainSteps, REFERENCE_ID, learningRate);
        out.printf(Locale.ROOT, "%8s %14s %12s %14s%n", "step", "loss", "perplexity", "|dL/dθ|");
        LanguageModelParameters parameters = initial.copy();
        int reportEvery = Math.max(1, trainSteps / 10);
        for (int step = 0; step <= trainSteps; step++) {
            LanguageModelGradients gradients = oracle.gradients(modelSpec, parameters, batch);
            double squaredNorm = 0;
            for (Tensor gradient : gradients.gradients().byName().values()) {
                squaredNorm += gradient.norm() * gradient.norm();
            }
            table.row(step, gradients.loss(), gradients.perplexity(), Math.sqrt(squaredNorm));
            if (step % reportEvery == 0 || step == trainSteps) {
                out.printf(Locale.ROOT, "%8d %14.10f %12.6f %14.6e%n", step, gradients.loss(), gradients.perplexity(),
                        Math.sqrt(squaredNorm));
            }
            if (step < trainSteps) {
                for (String name : LanguageModelParameters.NAMES) {
                    double[] values = parameters.get(name).data();
                    double[] gradient = gradients.gradients().get(name).data();
                    for (int i = 0; i < values.length; i++) {
                        values[i] -= learningRate * gradient[i];
                    }
                }
            }
        }
        return table.build();
    }

    /**
     * The oracle's results on one spec, weights and batch, computed once, and the comparison of any implementation
     * with them: loss, h, ŷ (per-step tensors only at each sequence's steps), the loss returned with the gradients,
     * and dL/dθ for every parameter, all under {@link TolerancePolicy#defaults()} for doubles with T the longest
     * sequence's steps. A plugin that throws is reported as an error, not a crash.
     */
    static final class LanguageModelComparison {
        final LanguageModelSpec spec;
        final LanguageModelParameters parameters;
        final TokenBatch batch;
        final LanguageModelForward expectedForward;
        final LanguageModelGradients expectedGradients;
        private final TensorComparator comparator = new TensorComparator(TolerancePolicy.defaults());

        LanguageModelComparison(LanguageModelSpec spec, LanguageModelParameters parameters, TokenBatch batch,
                                LanguageModelImplementation oracle) {
            this.spec = spec;
            this.parameters = parameters;
            this.batch = batch;
            this.expectedForward = oracle.forward(spec, parameters.copy(), batch);
            this.expectedGradients = oracle.gradients(spec, parameters.copy(), batch);
        }

        /**
         * What happened to one implementation: its loss and comparisons, or the error it threw; and, for each
         * comparison beyond tolerance that the implementation explains as a documented divergence, the explanation.
         */
        record Outcome(String id, double loss, List<QuantityComparison> comparisons, Map<String, String> knownDivergences,
                       String error) {
            /** No error, and every comparison within tolerance or explained. */
            boolean passed() {
                return error == null && comparisons.stream()
                        .allMatch(comparison -> comparison.passed() || knownDivergences.containsKey(comparison.quantity()));
            }
        }

        Outcome run(LanguageModelImplementation implementation) {
            String id = implementation.info().id();
            int steps = batch.maxSteps();
            Tensor mask = batch.mask();
            LanguageModelForward forward;
            LanguageModelGradients gradients;
            try {
                // Copies: an implementation must not modify its arguments, but a broken one must not spoil the next.
                forward = implementation.forward(spec, parameters.copy(), batch);
                gradients = implementation.gradients(spec, parameters.copy(), batch);
            } catch (RuntimeException | LinkageError failure) {
                return new Outcome(id, Double.NaN, List.of(), Map.of(), failure.getClass().getSimpleName() + ": " + failure.getMessage());
            }
            if (forward == null || gradients == null || gradients.gradients() == null) {
                return new Outcome(id, Double.NaN, List.of(), Map.of(), "returned null");
            }
            List<QuantityComparison> comparisons = new ArrayList<>();
            comparisons.add(comparator.compareScalar("loss", expectedForward.loss(), forward.loss(), DataType.FLOAT64, steps));
            comparisons.add(comparator.compare("h", expectedForward.hiddenStates(), forward.hiddenStates(), mask,
                    IndexLabels.HIDDEN_PER_STEP, DataType.FLOAT64, steps));
            comparisons.add(comparator.compare("y", expectedForward.probabilities(), forward.probabilities(), mask,
                    IndexLabels.OUTPUT_PER_STEP, DataType.FLOAT64, steps));
            comparisons.add(comparator.compareScalar("loss (gradients)", expectedGradients.loss(), gradients.loss(),
                    DataType.FLOAT64, steps));
            for (String name : LanguageModelParameters.NAMES) {
                Tensor expected = expectedGradients.gradients().get(name);
                comparisons.add(comparator.compare("dL/d" + name, expected, gradients.gradients().get(name), null,
                        IndexLabels.generic(expected.rank()), DataType.FLOAT64, steps));
            }
            Map<String, String> knownDivergences = new LinkedHashMap<>();
            for (QuantityComparison comparison : comparisons) {
                if (!comparison.passed()) {
                    try {
                        implementation.knownDivergence(spec, parameters.copy(), batch, comparison.quantity())
                                .ifPresent(explanation -> knownDivergences.put(comparison.quantity(), explanation));
                    } catch (RuntimeException | LinkageError failure) {
                        // An explanation that cannot be had explains nothing: the comparison stays a failure.
                    }
                }
            }
            return new Outcome(id, forward.loss(), comparisons, knownDivergences, null);
        }
    }
}
