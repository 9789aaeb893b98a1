package org.bptt.core.verify;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.bptt.api.InvalidInputException;
import org.bptt.core.cases.SuiteCase;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginCalls;

/**
 * Runs {@link Verifier#verify} on several cases at once, on {@code threads} workers, and hands the results over in
 * the order a sequential run would: implementation by implementation, each in the cases' order. So everything
 * written from the results (tables, reports, run.json) is the same as a sequential run's, whatever the number of
 * threads; only the calls' wall times differ.
 *
 * <p>The SPI allows calls "from any thread, one at a time per instance", so no plugin instance is ever called by
 * two workers at once: each worker borrows an instance of the implementation and of the oracle for one case and
 * gives them back after it. The first instance of a plugin is the one given; further ones, up to one per worker,
 * come from {@code newInstance} (for a discovered plugin, {@link org.bptt.core.plugins.PluginRegistry#newInstance};
 * a {@code cmd:} plugin so starts one process per worker). A plugin of which no further instance can be made is
 * shared: its cases then wait for the one instance, one at a time. Further instances are closed after the run when
 * they are {@link AutoCloseable}; the given ones are the caller's.
 *
 * <p>A case's result is the same on any instance: the verdict is decided from the case alone. One exception: after
 * a call that timed out and kept running, a sequential run reports every later case of that instance as not run,
 * and a parallel run only those that draw that instance.
 */
public final class ParallelVerifier {

    private final Verifier verifier;
    private final int threads;
    private final Function<LoadedPlugin, Optional<LoadedPlugin>> newInstance;

    /**
     * @param verifier    verifies one case
     * @param threads     how many cases are verified at once, at least 1
     * @param newInstance another instance of a plugin, or empty when none can be made (it may throw: the plugin is
     *                    then shared)
     * @throws InvalidInputException when {@code threads} is less than 1
     */
    public ParallelVerifier(Verifier verifier, int threads, Function<LoadedPlugin, Optional<LoadedPlugin>> newInstance) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.newInstance = Objects.requireNonNull(newInstance, "newInstance");
        InvalidInputException.require(threads >= 1, "the number of threads must be at least 1, got %d", threads);
        this.threads = threads;
    }

    /** Every case's result on each implementation, in order; each handed to {@code onEach} (may be null) in that order. */
    public List<CaseResult> verifyAll(List<SuiteCase> cases, List<LoadedPlugin> implementations, LoadedPlugin oracle,
                                      Consumer<CaseResult> onEach) {
        Map<LoadedPlugin, InstancePool> pools = new IdentityHashMap<>();
        pools.put(oracle, new InstancePool(oracle));
        for (LoadedPlugin implementation : implementations) {
            pools.computeIfAbsent(implementation, InstancePool::new);
        }
        ExecutorService workers = Executors.newFixedThreadPool(threads, new WorkerThreads());
        try {
            List<Future<CaseResult>> pending = new ArrayList<>(cases.size() * implementations.size());
            for (LoadedPlugin implementation : implementations) {
                for (SuiteCase suiteCase : cases) {
                    pending.add(workers.submit(() -> verify(suiteCase, pools.get(implementation), pools.get(oracle))));
                }
            }
            List<CaseResult> results = new ArrayList<>(pending.size());
            for (int i = 0; i < pending.size(); i++) {
                CaseResult result = await(pending.get(i), cases.get(i % cases.size()),
                        implementations.get(i / cases.size()), oracle);
                results.add(result);
                if (onEach != null) {
                    onEach.accept(result);
                }
            }
            return results;
        } finally {
            workers.shutdownNow();
            pools.values().forEach(InstancePool::closeMadeInstances);
        }
    }

    /** One case on instances borrowed from the pools, given back whatever happens. */
    private CaseResult verify(SuiteCase suiteCase, InstancePool implementations, InstancePool oracles)
            throws InterruptedException {
        LoadedPlugin implementation = implementations.take();
        if (implementations == oracles) {
            // An implementation verified against itself: one instance serves both, as in a sequential run.
            try {
                return verifier.verify(suiteCase, implementation, implementation);
            } finally {
                implementations.giveBack(implementation);
            }
        }
        try {
            LoadedPlugin oracle = oracles.take();
            try {
                return verifier.verify(suiteCase, implementation, oracle);
            } finally {
                oracles.giveBack(oracle);
            }
        } finally {
            implementations.giveBack(implementation);
        }
    }

    /**
     * The worker's result; a harness error (a bug of ours, not the plugin's: those are caught inside
     * {@link Verifier#verify}) or an interruption is reported as the case's error, as {@link Verifier#verifyAll}
     * does, and never stops the run.
     */
    private static CaseResult await(Future<CaseResult> pending, SuiteCase suiteCase, LoadedPlugin implementation,
                                    LoadedPlugin oracle) {
        String problem;
        try {
            return pending.get();
        } catch (ExecutionException e) {
            problem = "harness error: " + PluginCalls.describe(e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            problem = "not verified: the run was interrupted";
        }
        return new CaseResult(suiteCase == null ? "?" : suiteCase.id(), implementation.id(), oracle.id(), Status.ERROR,
                problem, List.of(), Map.of(), 0);
    }

    /** The instances of one plugin: the given one, and up to one per worker made as workers need them. */
    private final class InstancePool {
        private final LoadedPlugin given;
        private final BlockingQueue<LoadedPlugin> idle = new LinkedBlockingQueue<>();
        /** Guarded by this: the instances made so far (the given one included), and how many there may be. */
        private int made;
        private int limit = threads;
        private final List<LoadedPlugin> madeHere = new ArrayList<>();

        InstancePool(LoadedPlugin given) {
            this.given = given;
        }

        /** An instance no other worker is calling: an idle one, a new one, or the next one given back. */
        LoadedPlugin take() throws InterruptedException {
            LoadedPlugin instance = idle.poll();
            if (instance != null) {
                return instance;
            }
            synchronized (this) {
                if (made == 0) {
                    made = 1;
                    return given;
                }
                if (made < limit) {
                    Optional<LoadedPlugin> another = another();
                    if (another.isPresent()) {
                        made++;
                        madeHere.add(another.get());
                        return another.get();
                    }
                    limit = made;
                }
            }
            return idle.take();
        }

        void giveBack(LoadedPlugin instance) {
            idle.add(instance);
        }

        /** Another instance of the same id, or empty (a plugin that cannot be copied is shared, not lost). */
        private Optional<LoadedPlugin> another() {
            try {
                return newInstance.apply(given).filter(instance -> instance.id().equals(given.id()));
            } catch (RuntimeException | LinkageError e) {
                return Optional.empty();
            }
        }

        synchronized void closeMadeInstances() {
            for (LoadedPlugin instance : madeHere) {
                if (instance.implementation() instanceof AutoCloseable closeable) {
                    try {
                        closeable.close();
                    } catch (Exception e) {
                        // Closing frees resources (a cmd: plugin's process); the results are already in.
                    }
                }
            }
        }
    }

    /** Daemon workers: a plugin call that hangs past its timeout never keeps the JVM alive. */
    private static final class WorkerThreads implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable work) {
            Thread thread = new Thread(work, "bptt-verify-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
