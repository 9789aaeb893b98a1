package org.bptt.reports;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

/**
 * File writes that are all or nothing: the bytes go to a temporary file in the target's own directory, which is then
 * renamed onto the target with {@link StandardCopyOption#ATOMIC_MOVE}. A reader (or a run interrupted half way)
 * sees either the previous complete file or the new complete file, never a half-written one. Temporary files start
 * with a dot and end in {@value #TEMP_SUFFIX}; a failed write deletes its own.
 *
 * <p>Every write here is in flight for {@link WriteGate#PROCESS} from the creation of its temporary file until it
 * is moved into place, so a shutdown hook can wait for it, and later writes are refused before they create anything.
 */
public final class AtomicFiles {

    /** The suffix of every temporary file this class creates. */
    public static final String TEMP_SUFFIX = ".tmp";

    /** rw-r--r--: temporary files are created owner-only; a finished report is for everyone to read. */
    private static final Set<PosixFilePermission> FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-r--r--");
    /** rwxr-xr-x, for the same reason. */
    private static final Set<PosixFilePermission> DIRECTORY_PERMISSIONS = PosixFilePermissions.fromString("rwxr-xr-x");

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically: the whole of what {@code body} writes, or (if it throws) nothing at all,
     * leaving any previous file in place.
     *
     * @throws IOException naming the target when writing or moving fails
     */
    public static void write(Path target, IOConsumer<OutputStream> body) throws IOException {
        Objects.requireNonNull(body, "body");
        Path absoluteTarget = target.toAbsolutePath();
        WriteGate.PROCESS.begin(absoluteTarget);
        try {
            Path directory = absoluteTarget.getParent();
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, "." + absoluteTarget.getFileName() + ".", TEMP_SUFFIX);
            boolean moved = false;
            try {
                makeReadable(temporary, FILE_PERMISSIONS);
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary))) {
                    body.accept(out);
                }
                moveIntoPlace(temporary, absoluteTarget);
                moved = true;
            } finally {
                if (!moved) {
                    Files.deleteIfExists(temporary);
                }
            }
        } finally {
            WriteGate.PROCESS.end();
        }
    }

    /**
     * Writes the directory {@code target} atomically: {@code fill} fills a fresh temporary sibling directory, which
     * then replaces {@code target} ({@link #replaceDirectory}). If {@code fill} throws, the previous directory stays
     * and the temporary one is deleted. The whole is one write in flight for {@link WriteGate}.
     */
    public static void writeDirectory(Path target, IOConsumer<Path> fill) throws IOException {
        Path absoluteTarget = target.toAbsolutePath();
        WriteGate.PROCESS.begin(absoluteTarget);
        try {
            Path building = createTemporaryDirectoryFor(absoluteTarget);
            try {
                fill.accept(building);
                replaceDirectory(building, absoluteTarget);
            } catch (RuntimeException | IOException e) {
                deleteTree(building);
                throw e;
            }
        } finally {
            WriteGate.PROCESS.end();
        }
    }

    /**
     * Writes the file {@code target} from what {@code build} leaves in a scratch directory (a temporary sibling,
     * deleted afterwards): {@code build} returns the file to copy into place. One write in flight.
     */
    public static void writeFromScratch(Path target, IOFunction<Path, Path> build) throws IOException {
        Path absoluteTarget = target.toAbsolutePath();
        WriteGate.PROCESS.begin(absoluteTarget);
        try {
            Path scratch = createTemporaryDirectoryFor(absoluteTarget);
            try {
                copy(build.apply(scratch), absoluteTarget);
            } finally {
                deleteTree(scratch);
            }
        } finally {
            WriteGate.PROCESS.end();
        }
    }

    /** A function that may throw {@link IOException}. */
    @FunctionalInterface
    public interface IOFunction<T, R> {
        R apply(T value) throws IOException;
    }

    /** Writes {@code text} as UTF-8, atomically. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes {@code bytes}, atomically. */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /** Copies {@code source} onto {@code target}, atomically. */
    public static void copy(Path source, Path target) throws IOException {
        write(target, out -> Files.copy(source, out));
    }

    /**
     * Renames {@code source} onto {@code target} atomically (both must be on one file system; in practice in one
     * directory). On POSIX file systems an atomic rename replaces an existing target.
     */
    static void moveIntoPlace(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot move " + source + " onto " + target
                    + " atomically: the file system does not support atomic renames", e);
        }
    }

    /**
     * Replaces the directory {@code target} by the directory {@code fresh} (a sibling, fully written): the old
     * directory is first renamed aside, then {@code fresh} is renamed into place, then the old one is deleted. A
     * reader sees the old tree or the new tree, except for the instant between the two renames, when it sees none.
     */
    public static void replaceDirectory(Path fresh, Path target) throws IOException {
        Path absoluteTarget = target.toAbsolutePath();
        Path old = null;
        if (Files.exists(absoluteTarget)) {
            old = Files.createTempDirectory(absoluteTarget.getParent(), "." + absoluteTarget.getFileName() + ".old.");
            Files.delete(old);
            Files.move(absoluteTarget, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(fresh, absoluteTarget, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, absoluteTarget, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
        if (old != null) {
            deleteTree(old);
        }
    }

    /**
     * Creates an empty temporary directory next to {@code target}, readable by everyone (as a finished directory
     * should be), to be filled and then moved into place with {@link #replaceDirectory}.
     */
    private static Path createTemporaryDirectoryFor(Path target) throws IOException {
        Path absoluteTarget = target.toAbsolutePath();
        Files.createDirectories(absoluteTarget.getParent());
        Path directory = Files.createTempDirectory(absoluteTarget.getParent(), "." + absoluteTarget.getFileName() + ".");
        makeReadable(directory, DIRECTORY_PERMISSIONS);
        return directory;
    }

    private static void makeReadable(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (Files.getFileAttributeView(path, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    /** Deletes {@code root} and everything under it; does nothing when it does not exist. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Copies the tree under {@code source} into {@code target} (created if absent), replacing files of the same name. */
    public static void copyTree(Path source, Path target) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) throws IOException {
                Files.createDirectories(target.resolve(source.relativize(directory).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.copy(file, target.resolve(source.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
