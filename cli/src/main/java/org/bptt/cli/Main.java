package org.bptt.cli;

import java.io.PrintWriter;
import org.bptt.api.InvalidInputException;
import org.bptt.api.PluginFailureException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bptt} command: parses, then delegates to one small class per subcommand. */
@Command(name = "bptt",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Verifies and benchmarks recurrent neural network implementations against a hand-written",
            "reference Elman RNN with explicit backpropagation through time (BPTT).",
            ""},
        subcommands = {
            RunCommand.class,
            VerifyCommand.class,
            ExportCommand.class,
            GradcheckCommand.class,
            BenchCommand.class,
            DecayCommand.class,
            TrainCommand.class,
            ReproduceCommand.class,
            LanguageModelCommand.class,
            DatasetsCommand.class,
            PluginsCommand.class,
            ReportCommand.class,
            ExplainCommand.class,
            ClassCommand.class,
            CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0   everything within tolerance",
            "  1   an implementation diverged or a plugin failed",
            "  2   a mistake in the command line or an input file",
            "  70  an internal error (a bug in bptt-harness: please report it with the stack trace)"})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs {@code bptt} with the given streams and returns the exit code (tests call this). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        // The descriptions are written for a 110-column screen; a wider terminal is used as it is.
        commandLine.setUsageHelpWidth(110);
        commandLine.setUsageHelpAutoWidth(true);
        commandLine.setExecutionExceptionHandler(Main::handleExecutionException);
        return commandLine.execute(args);
    }

    /** A user's mistake prints its message and exits 2; anything else is our bug and keeps its stack trace. */
    private static int handleExecutionException(Exception exception, CommandLine commandLine,
                                                CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (exception instanceof InvalidInputException) {
            err.println(commandLine.getColorScheme().errorText("error: " + exception.getMessage()));
            err.println("Run '" + commandLine.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCode.USAGE;
        }
        if (exception instanceof PluginFailureException) {
            err.println(commandLine.getColorScheme().errorText("error: " + exception.getMessage()));
            return ExitCode.DIVERGED;
        }
        err.println("internal error: " + exception);
        exception.printStackTrace(err);
        return ExitCode.INTERNAL_ERROR;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
