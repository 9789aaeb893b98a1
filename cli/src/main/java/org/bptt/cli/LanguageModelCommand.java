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
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.bptt.api.Activation;
import org.bptt.api.InvalidInputException;
import org.bptt.api.LanguageModelParameters;
import org.bptt.api.LanguageModelSpec;
import org.bptt.api.Tensor;
import org.bptt.api.TokenBatch;
import org.bptt.core.compare.QuantityComparison;
import org.bptt.core.compare.TolerancePolicy;
import org.bptt.core.language.LanguageModelSgd;
import org.bptt.core.language.LanguageModelVerdict;
import org.bptt.core.language.LanguageModelVerifier;
import org.bptt.core.plugins.IsolatedLanguageModel;
import org.bptt.core.plugins.LoadedLanguageModel;
import org.bptt.core.plugins.PluginCallFailure;
import org.bptt.core.plugins.PluginCalls;
import org.bptt.core.plugins.PluginRegistry;
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
 * {@code bptt lm}: every installed RNN language model ({@link org.bptt.api.LanguageModelImplementation}, found by
 * the {@link PluginRegistry}) against the reference {@code reference-lm} on a corpus, on the same seeded weights,
 * under the harness's default {@link TolerancePolicy} for doubles: parses the options, hands the comparison to
 * {@link LanguageModelVerifier} and the optional {@code --train N} steps of SGD on the oracle to
 * {@link LanguageModelSgd}, and prints and tabulates what they return.
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
            "an implementation disagrees or fails (throws, or hangs past --timeout)."})
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
    PluginOptions pluginOptions;

    @Mixin
    OutputOptions outputOptions;

    @Mixin
    TimeoutOptions timeoutOptions;

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
        PluginRegistry registry = pluginOptions.discover(err);
        LoadedLanguageModel oracle = registry.languageModels().stream().filter(model -> model.id().equals(REFERENCE_ID))
                .findFirst().orElseThrow(() -> new InvalidInputException("the reference language model " + REFERENCE_ID
                        + " is not installed; found " + registry.languageModels().stream().map(LoadedLanguageModel::id).toList()));
        List<LoadedLanguageModel> implementations = selected(registry);
        PluginCalls calls = timeoutOptions.calls();

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

        IsolatedLanguageModel isolatedOracle = calls.isolate(oracle);
        LanguageModelVerifier verifier;
        try {
            verifier = new LanguageModelVerifier(modelSpec, parameters, batch, isolatedOracle, TolerancePolicy.defaults());
        } catch (PluginCallFailure failure) {
            err.printf(Locale.ROOT, "error: the oracle %s; nothing to compare with%n", failure.describe());
            return ExitCode.DIVERGED;
        }
        out.printf(Locale.ROOT, "%-22s %14s %12s  %s%n", "implementation", "loss", "perplexity", "result");
        out.printf(Locale.ROOT, "%-22s %14.10f %12.6f  oracle (a uniform predictor has perplexity %d)%n", REFERENCE_ID,
                verifier.expectedForward().loss(), verifier.expectedForward().perplexity(), modelSpec.vocabularySize());
        boolean allPassed = true;
        List<LanguageModelVerdict> verdicts = new ArrayList<>();
        for (LoadedLanguageModel implementation : implementations) {
            LanguageModelVerdict verdict = verifier.verify(calls.isolate(implementation));
            verdicts.add(verdict);
            allPassed &= verdict.passed();
            if (verdict.error() != null) {
                out.printf(Locale.ROOT, "%-22s %14s %12s  ERROR: %s%n", verdict.id(), "-", "-", verdict.error());
            } else {
                out.printf(Locale.ROOT, "%-22s %14.10f %12.6f  %s%n", verdict.id(), verdict.loss(), Math.exp(verdict.loss()),
                        !verdict.passed() ? "FAIL" : verdict.knownDivergences().isEmpty() ? "PASS"
                                : "PASS with " + verdict.knownDivergences().size() + " known divergence(s)");
            }
        }
        printErrors(out, verdicts);

        List<Table> tables = new ArrayList<>(List.of(comparisonTable(verdicts),
                lossTable(verifier, modelSpec, batch, verdicts)));
        if (trainSteps > 0) {
            try {
                tables.add(train(out, isolatedOracle, modelSpec, parameters, batch));
            } catch (PluginCallFailure failure) {
                err.printf(Locale.ROOT, "error: --train: %s%n", failure.describe());
                allPassed = false;
            }
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

    /** The models to compare: those named by --impl, else every installed one but the oracle. */
    private List<LoadedLanguageModel> selected(PluginRegistry registry) {
        if (implementationIds.isEmpty()) {
            return registry.languageModels().stream().filter(model -> !model.id().equals(REFERENCE_ID)).toList();
        }
        return implementationIds.stream().map(registry::requireLanguageModel).toList();
    }

    private static List<Provenance.PluginVersion> pluginVersions(LoadedLanguageModel oracle,
                                                                 List<LoadedLanguageModel> implementations) {
        List<Provenance.PluginVersion> versions = new ArrayList<>();
        versions.add(new Provenance.PluginVersion(oracle.id(), oracle.info().version(), oracle.source()));
        for (LoadedLanguageModel implementation : implementations) {
            versions.add(new Provenance.PluginVersion(implementation.id(), implementation.info().version(),
                    implementation.source()));
        }
        return versions;
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
    private static void printErrors(PrintWriter out, List<LanguageModelVerdict> verdicts) {
        if (verdicts.stream().allMatch(verdict -> verdict.comparisons().isEmpty())) {
            return;
        }
        out.printf(Locale.ROOT, "%nWorst element per quantity (error ratio = error / allowed; ≤ 1 passes):%n");
        out.printf(Locale.ROOT, "%-22s %-17s %8s %11s %11s %11s  %s%n", "implementation", "quantity", "elements",
                "abs error", "rel error", "ratio", "result");
        for (LanguageModelVerdict verdict : verdicts) {
            for (QuantityComparison comparison : verdict.comparisons()) {
                var worst = comparison.worst();
                out.printf(Locale.ROOT, "%-22s %-17s %8d %11.2e %11.2e %11.2e  %s%n", verdict.id(), comparison.quantity(),
                        comparison.elements(), worst == null ? 0.0 : worst.absError(), worst == null ? 0.0 : worst.relError(),
                        worst == null ? 0.0 : worst.errorRatio(),
                        comparison.passed() ? "pass"
                                : verdict.knownDivergences().containsKey(comparison.quantity())
                                ? "KNOWN " + comparison.describe() + "\n" + " ".repeat(24) + "known divergence: "
                                        + verdict.knownDivergences().get(comparison.quantity())
                                : "FAIL " + comparison.describe());
            }
        }
    }

    private static Table comparisonTable(List<LanguageModelVerdict> verdicts) {
        Table.Builder table = Table.builder("lm-comparison", "implementation", "oracle", "quantity", "elements", "failed",
                "worst_index", "expected", "actual", "abs_error", "rel_error", "allowed", "error_ratio", "passed", "message",
                "known_divergence");
        for (LanguageModelVerdict verdict : verdicts) {
            if (verdict.error() != null) {
                table.row(verdict.id(), REFERENCE_ID, "", 0, 0, "", null, null, null, null, null, null, false, verdict.error(), "");
            }
            for (QuantityComparison comparison : verdict.comparisons()) {
                var worst = comparison.worst();
                table.row(verdict.id(), REFERENCE_ID, comparison.quantity().name(), comparison.elements(), comparison.failed(),
                        worst == null ? "" : worst.index(), worst == null ? null : worst.expected(),
                        worst == null ? null : worst.actual(), worst == null ? null : worst.absError(),
                        worst == null ? null : worst.relError(), worst == null ? null : worst.allowed(),
                        worst == null ? null : worst.errorRatio(), comparison.passed(),
                        comparison.passed() ? "" : comparison.describe(),
                        verdict.knownDivergences().getOrDefault(comparison.quantity(), ""));
            }
        }
        return table.build();
    }

    private static Table lossTable(LanguageModelVerifier verifier, LanguageModelSpec modelSpec, TokenBatch batch,
                                   List<LanguageModelVerdict> verdicts) {
        Table.Builder table = Table.builder("lm-losses", "implementation", "loss", "perplexity", "predicted_tokens",
                "vocabulary_size", "passed");
        int predicted = batch.predictedTokens();
        int vocabulary = modelSpec.vocabularySize();
        table.row(REFERENCE_ID, verifier.expectedForward().loss(), verifier.expectedForward().perplexity(), predicted,
                vocabulary, true);
        for (LanguageModelVerdict verdict : verdicts) {
            table.row(verdict.id(), verdict.error() == null ? verdict.loss() : null,
                    verdict.error() == null ? Math.exp(verdict.loss()) : null, predicted, vocabulary, verdict.passed());
        }
        return table.build();
    }

    /** {@code --train}: full-batch SGD on the oracle ({@link LanguageModelSgd}), printing the perplexity as it falls. */
    private Table train(PrintWriter out, IsolatedLanguageModel oracle, LanguageModelSpec modelSpec,
                        LanguageModelParameters initial, TokenBatch batch) throws PluginCallFailure {
        out.printf(Locale.ROOT, "%n--train %d: full-batch SGD on %s, learning rate %s%n", trainSteps, REFERENCE_ID, learningRate);
        out.printf(Locale.ROOT, "%8s %14s %12s %14s%n", "step", "loss", "perplexity", "|dL/dθ|");
        List<LanguageModelSgd.Step> steps = LanguageModelSgd.train(oracle, modelSpec, initial, batch, learningRate, trainSteps);
        Table.Builder table = Table.builder("lm-training", "step", "loss", "perplexity", "gradient_norm");
        int reportEvery = Math.max(1, trainSteps / 10);
        for (LanguageModelSgd.Step step : steps) {
            table.row(step.step(), step.loss(), step.perplexity(), step.gradientNorm());
            if (step.step() % reportEvery == 0 || step.step() == trainSteps) {
                out.printf(Locale.ROOT, "%8d %14.10f %12.6f %14.6e%n", step.step(), step.loss(), step.perplexity(),
                        step.gradientNorm());
            }
        }
        return table.build();
    }
}
