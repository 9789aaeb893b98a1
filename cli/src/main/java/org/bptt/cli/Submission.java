package org.bptt.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * One student's submission in a class folder, and what kind it is. An entry of the class folder is one student:
 * <ul>
 *   <li>a folder holding a file {@value #COMMAND_FILE} (or {@value #RUN_FILE}): its first line that is not blank and
 *       does not start with {@code #} is the command, run from the student's working folder (a {@code cmd:} program);</li>
 *   <li>else a folder holding a jar: a plugin jar (one implementation);</li>
 *   <li>else a folder holding a Python entry point, {@code main.py}, else {@code rnn.py}, else its only {@code *.py}:
 *       run with the class's Python (a {@code cmd:} program);</li>
 *   <li>else a folder holding {@value #ANSWERS_FILE}: an answers sheet, checked as {@code bptt explain --check} does;</li>
 *   <li>a {@code *.jar} file: a plugin jar; a {@code *.json} file: answers.</li>
 * </ul>
 * Hidden entries (a name starting with '.') are not students; any other file is reported as not a submission.
 *
 * @param student the entry's name (a file's without its extension)
 * @param path    the entry
 * @param kind    what it is
 * @param entry   for {@link Kind#COMMAND} the command line; for {@link Kind#PYTHON} the script's name; for
 *                {@link Kind#JAR} and {@link Kind#ANSWERS} the file's path; for {@link Kind#UNKNOWN} why it is none
 */
record Submission(String student, Path path, Kind kind, String entry) {

    static final String COMMAND_FILE = "cmd";
    static final String RUN_FILE = "run";
    static final String ANSWERS_FILE = "answers.json";

    enum Kind { COMMAND, PYTHON, JAR, ANSWERS, UNKNOWN }

    /** Every student of {@code classFolder}, sorted by name (the order of the class table). */
    static List<Submission> findAll(Path classFolder) {
        List<Path> entries;
        try (Stream<Path> listing = Files.list(classFolder)) {
            entries = listing.filter(path -> !path.getFileName().toString().startsWith(".") && !isReadme(path)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the submissions in " + classFolder + ": " + e.getMessage(), e);
        }
        return entries.stream().map(Submission::of).toList();
    }

    /** A README beside the submissions (the class's own notes, as examples/class has) is no student. */
    private static boolean isReadme(Path path) {
        return Files.isRegularFile(path) && path.getFileName().toString().toUpperCase(Locale.ROOT).startsWith("README");
    }

    /**
     * The submission at {@code path}, of the first kind that fits (see the class comment); {@link Kind#UNKNOWN} with
     * the reason when none fits or it cannot be read (a bad submission never stops the class).
     */
    static Submission of(Path path) {
        try {
            return detect(path);
        } catch (UncheckedIOException e) {
            return new Submission(path.getFileName().toString(), path, Kind.UNKNOWN, e.getMessage());
        }
    }

    private static Submission detect(Path path) {
        String name = path.getFileName().toString();
        if (!Files.isDirectory(path)) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".jar")) {
                return new Submission(name.substring(0, name.length() - 4), path, Kind.JAR, path.toString());
            }
            if (lower.endsWith(".json")) {
                return new Submission(name.substring(0, name.length() - 5), path, Kind.ANSWERS, path.toString());
            }
            return new Submission(name, path, Kind.UNKNOWN, "a file that is neither a folder, a .jar nor a .json");
        }
        for (String commandFile : List.of(COMMAND_FILE, RUN_FILE)) {
            Path file = path.resolve(commandFile);
            if (Files.isRegularFile(file)) {
                String command = firstCommandLine(file);
                return command == null
                        ? new Submission(name, path, Kind.UNKNOWN, "its file '" + commandFile + "' names no command")
                        : new Submission(name, path, Kind.COMMAND, command);
            }
        }
        List<Path> files = filesIn(path);
        List<Path> jars = files.stream().filter(file -> file.getFileName().toString().endsWith(".jar")).toList();
        if (jars.size() == 1) {
            return new Submission(name, path, Kind.JAR, jars.get(0).toString());
        }
        if (jars.size() > 1) {
            return new Submission(name, path, Kind.UNKNOWN, "it holds " + jars.size() + " jars: keep one, or name the"
                    + " command in a file '" + COMMAND_FILE + "'");
        }
        List<String> scripts = files.stream().map(file -> file.getFileName().toString()).filter(file -> file.endsWith(".py")).toList();
        for (String entryPoint : List.of("main.py", "rnn.py")) {
            if (scripts.contains(entryPoint)) {
                return new Submission(name, path, Kind.PYTHON, entryPoint);
            }
        }
        if (scripts.size() == 1) {
            return new Submission(name, path, Kind.PYTHON, scripts.get(0));
        }
        if (files.stream().anyMatch(file -> file.getFileName().toString().equals(ANSWERS_FILE))) {
            return new Submission(name, path, Kind.ANSWERS, path.resolve(ANSWERS_FILE).toString());
        }
        return new Submission(name, path, Kind.UNKNOWN, scripts.isEmpty()
                ? "no '" + COMMAND_FILE + "' file, jar, Python script or " + ANSWERS_FILE + " in it"
                : "cannot tell which of its " + scripts.size() + " scripts " + scripts + " to run: call it main.py, or name"
                        + " the command in a file '" + COMMAND_FILE + "'");
    }

    /** What ran, as the class table's {@code submission} column says it. */
    String describe(String python) {
        return switch (kind) {
            case COMMAND -> "cmd: " + entry;
            case PYTHON -> "cmd: " + python + " " + entry;
            case JAR -> "jar: " + Path.of(entry).getFileName();
            case ANSWERS -> "answers: " + Path.of(entry).getFileName();
            case UNKNOWN -> "none";
        };
    }

    private static List<Path> filesIn(Path folder) {
        try (Stream<Path> listing = Files.list(folder)) {
            return listing.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The first line of {@code file} that is not blank and not a {@code #} comment, trimmed; null when none. */
    private static String firstCommandLine(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<String> commands = new ArrayList<>();
        for (String line : lines) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                commands.add(trimmed);
            }
        }
        return commands.isEmpty() ? null : commands.get(0);
    }
}
