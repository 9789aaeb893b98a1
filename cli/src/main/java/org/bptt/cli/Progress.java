package org.bptt.cli;

import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long step: a redrawn bar on a terminal, plain log lines (every tenth) when the output is a file or
 * a CI log, where a redrawn bar would be noise.
 */
final class Progress implements AutoCloseable {
    private final String task;
    private final long total;
    private final PrintWriter log;
    private final ProgressBar bar;
    private long done;
    private long lastLoggedTenth = -1;

    private Progress(String task, long total, PrintWriter log, ProgressBar bar) {
        this.task = task;
        this.total = total;
        this.log = log;
        this.bar = bar;
    }

    static Progress start(String task, long total, PrintWriter log) {
        boolean terminal = System.console() != null && !"true".equals(System.getenv("CI"));
        ProgressBar bar = terminal
                ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(200).build()
                : null;
        return new Progress(task, total, log, bar);
    }

    void step() {
        done++;
        if (bar != null) {
            bar.step();
            return;
        }
        long tenth = total == 0 ? 10 : done * 10 / total;
        if (tenth != lastLoggedTenth) {
            lastLoggedTenth = tenth;
            log.printf(Locale.ROOT, "%s: %d/%d (%d%%)%n", task, done, total, tenth * 10);
            log.flush();
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
