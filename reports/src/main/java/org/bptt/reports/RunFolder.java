package org.bptt.reports;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 *
 * <p><b>Stale temporary files.</b> A run killed outright (SIGKILL, a power cut) can leave temporary files behind. The
 * process that creates a run folder holds a lock on {@code <root>/.<name>.lock} until it ends (the operating
 * system releases it however the process ends). The next run under the same root, and {@code bptt report} on a
 * folder, delete the temporary files of every run folder whose lock is free (its process has ended), then its lock
 * file; a folder whose process still runs is never touched.
 */
public final class RunFolder {

    /** The timestamp at the start of every run folder's name. */
    public static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private static final Pattern COMMAND = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    /** A run folder's name: the timestamp, the command, and an optional {@code -n} suffix. */
    private static final Pattern RUN_NAME = Pattern.compile("\\d{8}-\\d{6}-[a-z0-9][a-z0-9._-]*");
    /** The lock file of run folder {@code NAME} is {@code <root>/.NAME.lock}. */
    private static final String LOCK_SUFFIX = ".lock";

    /**
     * The channels of the locks this process holds, one per run folder it created: kept open (hence locked) until
     * the process ends, whatever happens to the {@code RunFolder} objects.
     */
    private static final List<FileChannel> HELD_LOCKS = new ArrayList<>();

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
            RunFolder created;
            try {
                // createDirectory fails if the name exists, so two runs racing for a name cannot both get it.
                created = new RunFolder(Files.createDirectory(candidate));
            } catch (FileAlreadyExistsException taken) {
                continue; // try the next suffix
            }
            holdLock(created);
            deleteStaleWritesUnder(absoluteRoot);
            return created;
        }
    }

    /**
     * Opens an existing run folder, e.g. to regenerate its report, first deleting the temporary files that a run
     * killed outright left in it (unless the process that created it still runs).
     */
    public static RunFolder open(Path existing) throws IOException {
        if (!Files.isDirectory(existing)) {
            throw new IOException("run folder " + existing + " does not exist or is not a directory");
        }
        RunFolder folder = new RunFolder(existing.toAbsolutePath());
        folder.deleteStaleWrites();
        return folder;
    }

    private Path lockFile() {
        return path.resolveSibling("." + name() + LOCK_SUFFIX);
    }

    /** Locks this folder's lock file for the rest of the process's life. */
    private static void holdLock(RunFolder folder) throws IOException {
        Path lockFile = folder.lockFile();
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (channel.tryLock() == null) {
            channel.close();
            throw new IOException("cannot lock " + lockFile + ": another process holds it");
        }
        synchronized (HELD_LOCKS) {
            HELD_LOCKS.add(channel);
        }
    }

    /** {@link #deleteStaleWrites()} for every run folder under {@code root} that has a lock file. */
    private static void deleteStaleWritesUnder(Path root) throws IOException {
        List<Path> lockFiles;
        try (Stream<Path> files = Files.list(root)) {
            lockFiles = files.filter(file -> {
                String name = file.getFileName().toString();
                return name.startsWith(".") && name.endsWith(LOCK_SUFFIX) && Files.isRegularFile(file);
            }).sorted().toList();
        }
        for (Path lockFile : lockFiles) {
            String name = lockFile.getFileName().toString();
            Path folder = root.resolve(name.substring(1, name.length() - LOCK_SUFFIX.length()));
            if (Files.isDirectory(folder)) {
                new RunFolder(folder).deleteStaleWrites();
            } else {
                deleteLockIfFree(lockFile);
            }
        }
    }

    /**
     * When the process that created this folder has ended (its lock is free, or it never had one), deletes the
     * temporary files its unfinished writes left ({@link #deleteUnfinishedWrites}) and then its lock file.
     *
     * @return how many temporary files were deleted; 0 when the creating process still runs
     */
    public int deleteStaleWrites() throws IOException {
        Path lockFile = lockFile();
        if (!Files.exists(lockFile)) {
            return deleteUnfinishedWrites();
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldByThisProcess) {
                return 0;
            }
            if (lock == null) {
                return 0; // another process holds it: the run is still going
            }
            try {
                int deleted = deleteUnfinishedWrites();
                Files.deleteIfExists(lockFile);
                return deleted;
            } finally {
                lock.release();
            }
        } catch (java.nio.file.NoSuchFileException goneMeanwhile) {
            return 0;
        }
    }

    private static void deleteLockIfFree(Path lockFile) throws IOException {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                Files.deleteIfExists(lockFile);
                lock.release();
            }
        } catch (OverlappingFileLockException | java.nio.file.NoSuchFileException stillHeldOrGone) {
            // held by this process, or deleted by another cleaner: nothing to do
        }
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
