package org.bptt.reports;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folder that holds everything one run writes: {@code <root>/<yyyyMMdd-HHmmss>-<command>/}, with {@code -2},
 * {@code -3}, ... appended when a folder of that name exists already (two runs in the same second). The timestamp is
 * the clock's local time, so names sort in the order the runs started.
 *
 * <p>Every file is written through {@link #writeAtomically}: a temporary file in the same directory, renamed into
 * place, so an interrupted run never leaves a half-written file behind.
 */
public final class RunFolder {

    /** The timestamp at the start of every run folder's name. */
    public static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private static final Pattern COMMAND = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    /** A run folder's name: the timestamp, the command, and an optional {@code -n} suffix. */
    private static final Pattern RUN_NAME = Pattern.compile("\\d{8}-\\d{6}-[a-z0-9][a-z0-9._-]*");

    private final Path path;

    private RunFolder(Path path) {
        this.path = path;
    }

    /**
     * Creates a new, empty run folder under {@code root} (creating {@code root} if needed).
     *
     * @param root    the output root, e.g. {@code bptt-reports}
     * @param command the command that runs, e.g. {@code verify}: lower case letters, digits, '.', '_' or '-'
     * @param clock   gives the start time that names the folder
     */
    public static RunFolder create(Path root, String command, Clock clock) throws IOException {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(clock, "clock");
        if (command == null || !COMMAND.matcher(command).matches()) {
            throw new IllegalArgumentException("run folder command '" + command
                    + "' must be lower case letters, digits, '.', '_' or '-'");
        }
        Path absoluteRoot = Files.createDirectories(root.toAbsolutePath());
        String baseName = TIMESTAMP.format(LocalDateTime.now(clock)) + "-" + command;
        for (int attempt = 1; ; attempt++) {
            Path candidate = absoluteRoot.resolve(attempt == 1 ? baseName : baseName + "-" + attempt);
            try {
                // createDirectory fails if the name exists, so two runs racing for a name cannot both get it.
                return new RunFolder(Files.createDirectory(candidate));
            } catch (FileAlreadyExistsException taken) {
                // try the next suffix
            }
        }
    }

    /** Opens an existing run folder, e.g. to regenerate its report. */
    public static RunFolder open(Path existing) throws IOException {
        if (!Files.isDirectory(existing)) {
            throw new IOException("run folder " + existing + " does not exist or is not a directory");
        }
        return new RunFolder(existing.toAbsolutePath());
    }

    /** The folder itself, as an absolute path. */
    public Path path() {
        return path;
    }

    /** The folder's name, e.g. {@code 20250102-030405-verify}: the run's id in charts and reports. */
    public String name() {
        return path.getFileName().toString();
    }

    /**
     * Resolves a path inside this folder.
     *
     * @throws IllegalArgumentException when {@code relativePath} is absolute or leads outside the folder
     */
    public Path resolve(String relativePath) {
        Path relative = path.getFileSystem().getPath(relativePath);
        Path resolved = path.resolve(relative).normalize();
        if (relative.isAbsolute() || !resolved.startsWith(path.normalize())) {
            throw new IllegalArgumentException("'" + relativePath + "' is not a path inside the run folder " + path);
        }
        return resolved;
    }

    /**
     * Writes {@code relativePath} (creating its directories) through a temporary file in the same directory that is
     * then moved into place with {@code ATOMIC_MOVE}, replacing any previous version. If {@code body} throws, the
     * previous version (if any) stays and no temporary file is left.
     *
     * @return the file written
     */
    public Path writeAtomically(String relativePath, IOConsumer<OutputStream> body) throws IOException {
        Path target = resolve(relativePath);
        AtomicFiles.write(target, body);
        return target;
    }

    /**
     * The other run folders under the same root whose names sort before this one's (that is, that started earlier),
     * oldest first. Only names of the form {@code yyyyMMdd-HHmmss-command[-n]} count.
     */
    public List<Path> earlierRuns() throws IOException {
        Path root = path.getParent();
        String ownName = name();
        List<Path> earlier = new ArrayList<>();
        try (Stream<Path> siblings = Files.list(root)) {
            siblings.filter(Files::isDirectory)
                    .filter(sibling -> RUN_NAME.matcher(sibling.getFileName().toString()).matches())
                    .filter(sibling -> sibling.getFileName().toString().compareTo(ownName) < 0)
                    .sorted()
                    .forEach(earlier::add);
        }
        return earlier;
    }

    /**
     * Deletes the temporary files and folders of writes that never finished ({@code .<name>.<random>.tmp}, and the
     * {@code .<name>.<digits>} folders of directory writes): for a run that is being stopped, so that only complete
     * files stay behind. Never call it while another thread may still finish a write it wants to keep.
     *
     * @return how many were deleted
     */
    public int deleteUnfinishedWrites() throws IOException {
        List<Path> unfinished;
        try (java.util.stream.Stream<Path> all = Files.walk(path)) {
            unfinished = all.filter(file -> {
                String name = file.getFileName().toString();
                return name.startsWith(".") && (Files.isRegularFile(file) && name.endsWith(AtomicFiles.TEMP_SUFFIX)
                        || Files.isDirectory(file) && name.matches("\\..+\\.\\d+"));
            }).toList();
        }
        for (Path file : unfinished) {
            if (Files.isDirectory(file)) {
                AtomicFiles.deleteTree(file);
            } else {
                Files.deleteIfExists(file);
            }
        }
        return unfinished.size();
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
