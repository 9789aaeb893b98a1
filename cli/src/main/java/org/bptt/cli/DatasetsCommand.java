package org.bptt.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.bptt.api.InvalidInputException;
import org.bptt.datasets.Dataset;
import org.bptt.datasets.Datasets;
import org.bptt.datasets.Example;
import org.bptt.datasets.text.TextDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bptt datasets}: the datasets, what each poses and where it comes from; {@code show} prints examples. */
@Command(name = "datasets", mixinStandardHelpOptions = true,
        header = "List the datasets: seeded sequence generators and any text file.",
        description = {
            "List every dataset with its task, source and the model sizes it implies (d, K, head, lengths T).",
            "'bptt datasets show NAME' prints a few decoded examples; 'bptt verify --dataset NAME' runs the gate on them."},
        subcommands = DatasetsCommand.Show.class)
final class DatasetsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (Dataset dataset : Datasets.all()) {
            print(out, dataset.name(), dataset.sizes(), dataset.task(), dataset.description(), dataset.source());
        }
        print(out, TextDataset.NAME, "d=K=V (the file's vocabulary) per-step-softmax T=8,32 (capped at the longest line)",
                TextDataset.TASK, TextDataset.DESCRIPTION, TextDataset.SOURCE);
        out.printf(Locale.ROOT, "%d datasets; 'bptt datasets show NAME' prints examples%n", Datasets.names().size());
        return ExitCode.OK;
    }

    private static void print(PrintWriter out, String name, String sizes, String task, String description, String source) {
        out.printf(Locale.ROOT, "%-16s %s%n", name, sizes);
        out.printf(Locale.ROOT, "  task:   %s%n", task);
        out.printf(Locale.ROOT, "  data:   %s%n", description);
        out.printf(Locale.ROOT, "  source: %s%n", source);
    }

    /** {@code bptt datasets show NAME}: a few examples, decoded, with their targets. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Print a few examples of a dataset, decoded: each step's input token and its target.",
                "For a text file: bptt datasets show text --file PATH --tokens chars|words"})
    static final class Show implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The dataset (see 'bptt datasets').")
        String name;

        @Mixin
        TextFileOptions textFile;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of the examples (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--count", paramLabel = "N", defaultValue = "3", description = "How many examples (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(names = {"-T", "--steps"}, paramLabel = "T",
                description = "Sequence length T (default: the dataset's longest default length).")
        Integer steps;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            InvalidInputException.require(count >= 1, "--count must be at least 1, got %d", count);
            Dataset dataset = textFile.dataset(name);
            int length = steps != null ? steps : dataset.lengths().get(dataset.lengths().size() - 1);
            out.printf(Locale.ROOT, "%s: %s%n", dataset.name(), dataset.task());
            out.printf(Locale.ROOT, "  %s%n  %s%n  %s; seed %d, T=%d%n", dataset.description(), dataset.source(),
                    dataset.sizes(), seed, length);
            List<Example> examples = dataset.examples(count, length, seed);
            for (int index = 0; index < examples.size(); index++) {
                Example example = examples.get(index);
                out.printf(Locale.ROOT, "example %d (%d steps)%n", index + 1, example.length());
                printExample(out, example, dataset.head().lastStepOnly());
            }
            return ExitCode.OK;
        }

        /** Per-step targets are aligned under their inputs; a last-step label follows the inputs. */
        private static void printExample(PrintWriter out, Example example, boolean lastStepOnly) {
            List<String> inputs = visible(example.inputTokens());
            if (lastStepOnly) {
                out.printf(Locale.ROOT, "  input:  %s%n", String.join(" ", inputs));
                out.printf(Locale.ROOT, "  target: %s (at the last step)%n", example.targetTokens().get(0));
                return;
            }
            List<String> targets = visible(example.targetTokens());
            StringBuilder inputLine = new StringBuilder();
            StringBuilder targetLine = new StringBuilder();
            for (int step = 0; step < inputs.size(); step++) {
                int width = Math.max(columns(inputs.get(step)), columns(targets.get(step)));
                String separator = step == 0 ? "" : " ";
                inputLine.append(separator).append(pad(inputs.get(step), width));
                targetLine.append(separator).append(pad(targets.get(step), width));
            }
            out.printf(Locale.ROOT, "  input:  %s%n", inputLine.toString().stripTrailing());
            out.printf(Locale.ROOT, "  target: %s%n", targetLine.toString().stripTrailing());
        }

        /** Tokens with whitespace made visible (a space character token would vanish otherwise). */
        private static List<String> visible(List<String> tokens) {
            List<String> shown = new ArrayList<>(tokens.size());
            for (String token : tokens) {
                shown.add(token.replace(" ", "\u2423").replace("\t", "\\t"));
            }
            return shown;
        }

        private static String pad(String token, int width) {
            return token + " ".repeat(Math.max(0, width - columns(token)));
        }

        /** The screen columns of a token: its code points (all our tokens are single-width). */
        private static int columns(String token) {
            return token.codePointCount(0, token.length());
        }
    }
}
