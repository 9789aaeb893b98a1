package org.bptt.external;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of the external command: its stdin for requests, its stdout read line by line on a daemon thread (so a
 * wait for an answer can time out and be interrupted), and the last lines of its stderr kept for error messages.
 * The child, and every process it started, is killed by {@link #kill()} or when the JVM exits.
 */
final class ChildProcess {

    /** Stands for the end of the child's stdout in the line queue. */
    private static final String END_OF_OUTPUT = new String("end of output");

    /** A stderr line longer than this is cut (a line is for a human; the tail must stay small). */
    private static final int STDERR_LINE_LENGTH = 500;

    private final Process process;
    private final BufferedWriter stdin;
    private final BlockingQueue<String> stdoutLines = new LinkedBlockingQueue<>();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    /** Writes requests: a write to a child that does not read blocks once the pipe is full, and cannot be interrupted. */
    private final ExecutorService writer;
    private final int stderrLines;
    private final Thread killAtExit;

    private ChildProcess(Process process, int stderrLines) {
        this.process = process;
        this.stderrLines = stderrLines;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.writer = Executors.newSingleThreadExecutor(work -> daemon("stdin of pid " + process.pid(), work));
        daemon("stdout of pid " + process.pid(), this::readStdout).start();
        daemon("stderr of pid " + process.pid(), this::readStderr).start();
        this.killAtExit = new Thread(this::killTree, "kill pid " + process.pid() + " at exit");
        Runtime.getRuntime().addShutdownHook(killAtExit);
    }

    /**
     * Starts {@code words} in {@code workingDirectory} (null: the JVM's working directory), with the JVM's environment
     * plus {@code PYTHONUNBUFFERED=1} (a Python program's {@code print} to a pipe would otherwise wait in a buffer). A
     * relative program path ({@code ./run.sh}) is found from the working directory.
     *
     * @param stderrLines how many of the last stderr lines to keep
     * @throws IOException when the program cannot be started (not found, not executable)
     */
    static ChildProcess start(List<String> words, int stderrLines, Path workingDirectory) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(words);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        builder.environment().put("PYTHONUNBUFFERED", "1");
        return new ChildProcess(builder.start(), stderrLines);
    }

    private static Thread daemon(String name, Runnable work) {
        Thread thread = new Thread(work, "bptt cmd: " + name);
        thread.setDaemon(true);
        return thread;
    }

    private void readStdout() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                stdoutLines.add(line);
            }
        } catch (IOException e) {
            // The stream was closed (the child was killed): the same as its end.
        } finally {
            stdoutLines.add(END_OF_OUTPUT);
        }
    }

    private void readStderr() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                synchronized (stderrTail) {
                    stderrTail.addLast(line.length() > STDERR_LINE_LENGTH ? line.substring(0, STDERR_LINE_LENGTH) + " ..." : line);
                    while (stderrTail.size() > stderrLines) {
                        stderrTail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // Closed: nothing more to keep.
        }
    }

    /** Writes one line to the child's stdin and flushes it. */
    void send(String line) throws IOException {
        stdin.write(line);
        stdin.write('\n');
        stdin.flush();
    }

    /**
     * {@link #send(String)}, giving up after {@code timeout} (a child that does not read its stdin blocks the write
     * once the pipe's buffer is full).
     *
     * @throws IOException          when the write fails (the child closed its stdin or ended)
     * @throws TimeoutException     when the write does not finish within {@code timeout}
     * @throws InterruptedException when the waiting thread is interrupted
     */
    void send(String line, Duration timeout) throws IOException, TimeoutException, InterruptedException {
        Future<?> write = writer.submit(() -> {
            send(line);
            return null;
        });
        try {
            write.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /**
     * The child's next stdout line, or null when its stdout has ended (it exited or closed it).
     *
     * @throws TimeoutException     when no line comes within {@code timeout}
     * @throws InterruptedException when the waiting thread is interrupted
     */
    String receive(Duration timeout) throws TimeoutException, InterruptedException {
        String line = stdoutLines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (line == null) {
            throw new TimeoutException();
        }
        if (line == END_OF_OUTPUT) {
            stdoutLines.add(END_OF_OUTPUT); // every later receive sees the end too
            return null;
        }
        return line;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** The exit code, waiting at most {@code grace} for the child to end; empty while it still runs. */
    OptionalInt exitCode(Duration grace) {
        try {
            if (process.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                return OptionalInt.of(process.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OptionalInt.empty();
    }

    /** The last stderr lines, oldest first, joined with newlines; empty when it wrote nothing. */
    String stderrTail() {
        // The stderr thread may still be reading what the child wrote just before it ended: give it a moment.
        if (!process.isAlive()) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (stderrTail) {
            return String.join("\n", stderrTail);
        }
    }

    /**
     * Closes the child's stdin (a well-behaved child then exits), waits at most {@code grace}, and kills the whole
     * process tree if it still runs.
     */
    void close(Duration grace) {
        try {
            stdin.close();
        } catch (IOException e) {
            // Already gone.
        }
        exitCode(grace);
        kill();
    }

    /** Kills the child and every process it started, at once, and forgets the exit hook. */
    void kill() {
        killTree();
        try {
            Runtime.getRuntime().removeShutdownHook(killAtExit);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs (or ran) anyway.
        }
    }

    private void killTree() {
        // Descendants first: once the child is dead its children are re-parented and no longer found from it.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        writer.shutdownNow(); // a blocked write ends with an IOException once the pipe is gone
    }
}
