package org.bptt.core.plugins;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.bptt.api.InvalidInputException;

/**
 * The one way bptt calls a plugin: every call of every extension point runs on a daemon worker thread with a
 * timeout, so that a plugin that throws, hangs or never returns costs one named failure, never the caller's thread.
 * {@link IsolatedPlugin} and {@link IsolatedLanguageModel} are the typed faces of this class: they copy the
 * arguments and check the results; this class only times the call.
 *
 * <p>A hung call cannot be killed. After its timeout it is interrupted and given a short grace to return; if it does
 * not, its plugin instance counts as still running, and every later call of the same instance through these
 * {@code PluginCalls} fails at once ({@link PluginCallFailure.Kind#STILL_RUNNING}) until the hung call returns.
 * Other instances are not held up. One {@code PluginCalls} is meant to serve a whole command.
 */
public final class PluginCalls {

    /**
     * How long (at most; never longer than the timeout) to wait for an interrupted, timed-out call to return before
     * its instance counts as still running.
     */
    private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(1);

    /** Daemon workers, created as needed: a hung plugin call holds one thread but never stops the JVM or the run. */
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(new DaemonThreads());

    private final Duration timeout;
    /** Plugin instances whose timed-out call may still be running: the latch opens when it returns. */
    private final Map<Object, CountDownLatch> runningAfterTimeout = new IdentityHashMap<>();

    /**
     * @param timeout the longest one call may take, positive
     * @throws InvalidInputException when the timeout is not positive
     */
    public PluginCalls(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        InvalidInputException.require(!timeout.isNegative() && !timeout.isZero(), "the call timeout must be positive, got %s",
                timeout);
    }

    public Duration timeout() {
        return timeout;
    }

    /** {@code plugin} called through these calls. */
    public IsolatedPlugin isolate(LoadedPlugin plugin) {
        return new IsolatedPlugin(plugin, this);
    }

    /** {@code model} called through these calls. */
    public IsolatedLanguageModel isolate(LoadedLanguageModel model) {
        return new IsolatedLanguageModel(model, this);
    }

    /**
     * Runs {@code work} on a worker thread and waits at most the timeout for it.
     *
     * @param instance the plugin instance {@code work} calls: while an earlier call of it runs on after its timeout,
     *                 it is not called again
     * @param pluginId names the plugin in the failure
     * @param method   names the call in the failure's message, e.g. {@code gradients()}
     * @param time     Modified: the call's wall time is added to it (the whole timeout for a call that timed out)
     * @return what {@code work} returned (null included: checking the result is the caller's part)
     * @throws PluginCallFailure when the call threw, timed out, was not made, or the caller was interrupted
     */
    public <T> T call(Object instance, String pluginId, String method, CallTime time, Callable<T> work)
            throws PluginCallFailure {
        CountDownLatch previous;
        synchronized (runningAfterTimeout) {
            previous = runningAfterTimeout.get(instance);
        }
        if (previous != null && previous.getCount() > 0) {
            throw new PluginCallFailure(PluginCallFailure.Kind.STILL_RUNNING, pluginId,
                    "not run: an earlier call to this implementation timed out and is still running");
        }
        CountDownLatch finished = new CountDownLatch(1);
        long[] callNanos = {0};
        Future<T> future = WORKERS.submit(() -> {
            long start = System.nanoTime();
            try {
                return work.call();
            } finally {
                callNanos[0] = System.nanoTime() - start;
                finished.countDown();
            }
        });
        try {
            T result = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            time.add(callNanos[0]);
            return result;
        } catch (TimeoutException e) {
            future.cancel(true);
            time.add(timeout.toNanos());
            awaitQuietly(finished, timeout.compareTo(INTERRUPT_GRACE) < 0 ? timeout : INTERRUPT_GRACE);
            synchronized (runningAfterTimeout) {
                runningAfterTimeout.put(instance, finished);
            }
            throw new PluginCallFailure(PluginCallFailure.Kind.TIMED_OUT, pluginId, method + " timed out after " + format(timeout));
        } catch (ExecutionException e) {
            time.add(callNanos[0]);
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof org.bptt.api.DocumentedLimitException limit) {
                throw new PluginCallFailure(PluginCallFailure.Kind.DECLINED, pluginId, pluginId + " declines this case: "
                        + limit.getMessage());
            }
            throw new PluginCallFailure(PluginCallFailure.Kind.THREW, pluginId, method + " threw " + describe(cause));
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new PluginCallFailure(PluginCallFailure.Kind.INTERRUPTED, pluginId,
                    method + " was not awaited: the calling thread was interrupted");
        }
    }

    private static void awaitQuietly(CountDownLatch latch, Duration wait) {
        try {
            latch.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The exception's class and message; a wrapper (ServiceConfigurationError, ExecutionException, ...) says
     * little, so its root cause is named too.
     */
    public static String describe(Throwable error) {
        String text = error.getClass().getName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == error ? text : text + "; caused by " + root.getClass().getName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /** "30s" or "200ms". */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    private static final class DaemonThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable work) {
            Thread thread = new Thread(work, "bptt-plugin-call-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
