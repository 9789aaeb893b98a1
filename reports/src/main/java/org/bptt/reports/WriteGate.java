package org.bptt.reports;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Counts writes in flight and can stop them for good, for a process that is being stopped (Ctrl-C, SIGTERM). Such a
 * process halts as soon as its shutdown hooks return, wherever its other threads are: a write that one of them starts
 * after the hook's last flush would leave its temporary file behind. With a gate, every write is "in flight" between
 * {@link #begin} and {@link #end}, and {@link #stopAfter} (run by the shutdown hook) waits for the writes in flight,
 * runs the final writes, and makes every later {@link #begin} of another thread fail before it creates anything.
 *
 * <p>{@link AtomicFiles} passes every write through {@link #PROCESS}, the gate of the whole process.
 */
public final class WriteGate {

    /** The gate of every write {@link AtomicFiles} makes in this process. */
    public static final WriteGate PROCESS = new WriteGate();

    /** Writes in flight hold the read lock (many at once); {@link #stopAfter} holds the write lock. */
    private final ReentrantReadWriteLock inFlight = new ReentrantReadWriteLock();
    /** Set once by {@link #stopAfter}; read and written under {@link #inFlight}. */
    private boolean stopped;

    /** Thrown by a write that begins after {@link #stopAfter}: it created nothing. */
    public static final class WritesStoppedException extends IOException {
        private static final long serialVersionUID = 1L;

        WritesStoppedException(Path target) {
            super("not written: the process is stopping: " + target);
        }
    }

    /** What {@link #stopAfter} runs once the writes in flight have finished. */
    @FunctionalInterface
    public interface FinalWrites {
        void run() throws IOException;
    }

    /**
     * Marks the start of a write to {@code target}; {@link #end()} must follow in a finally block. Waits while
     * {@link #stopAfter} runs on another thread.
     *
     * @throws WritesStoppedException when the gate has been stopped and this thread is not the one stopping it
     */
    public void begin(Path target) throws WritesStoppedException {
        inFlight.readLock().lock();
        if (stopped && !inFlight.isWriteLockedByCurrentThread()) {
            inFlight.readLock().unlock();
            throw new WritesStoppedException(target);
        }
    }

    /** Marks the end of a write begun with {@link #begin}. */
    public void end() {
        inFlight.readLock().unlock();
    }

    /**
     * Waits for every write in flight (on any thread) to end, then runs {@code finalWrites} on this thread (which
     * may write), and from then on refuses every write of another thread. Once this returns no write of this gate is
     * in flight, and none will begin.
     */
    public void stopAfter(FinalWrites finalWrites) throws IOException {
        inFlight.writeLock().lock();
        try {
            stopped = true;
            finalWrites.run();
        } finally {
            inFlight.writeLock().unlock();
        }
    }
}
