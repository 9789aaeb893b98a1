package org.bptt.benchmarks;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bptt.api.Case;
import org.bptt.api.OwnCallTimes;
import org.bptt.api.OwnCallTiming;
import org.bptt.api.RnnImplementation;

/**
 * Times libraries through their own calls ({@link OwnCallTiming}), in a JVM of its own started by
 * {@link BenchRunner} once per fork, with the forks' heap, thread count and OMP_NUM_THREADS. Its arguments are
 * groups of eight: {@code implementation cell shape T mode precision warmUps repetitions}. For each it prints one
 * line, its fields separated by tabs (a {@code cmd:} id may hold blanks):
 * {@code RESULT <cell key> <threads> <how> <ms> <ms> ...} (one time per repetition, in milliseconds), or
 * {@code ERROR <cell key> <message>}.
 */
public final class OwnCallProbe {

    /** Arguments per cell. */
    static final int ARGUMENTS = 9;

    private OwnCallProbe() {
    }

    public static void main(String[] args) {
        if (args.length % ARGUMENTS != 0) {
            System.err.println("usage: OwnCallProbe (implementation cell topology shape T mode precision warmUps repetitions)...");
            System.exit(2);
        }
        Map<String, RnnImplementation> plugins = new HashMap<>();
        for (int i = 0; i < args.length; i += ARGUMENTS) {
            Cell cell = new Cell(args[i], Cell.parseRnnCell(args[i + 1]), Shape.parse(args[i + 3]),
                    Integer.parseInt(args[i + 4]), Mode.parse(args[i + 5]), Cell.parsePrecision(args[i + 6]),
                    Cell.parseTopology(args[i + 2]));
            int warmUps = Integer.parseInt(args[i + 7]);
            int repetitions = Integer.parseInt(args[i + 8]);
            try {
                RnnImplementation plugin = plugins.computeIfAbsent(cell.implementation(),
                        id -> BenchmarkCase.plugin(id, BenchmarkCase.pluginDirectories()));
                if (!(plugin instanceof OwnCallTiming timing)) {
                    throw new IllegalStateException(cell.implementation() + " does not time its own calls");
                }
                Case testCase = BenchmarkCase.create(cell.rnnCell(), cell.topology(), cell.shape(), cell.steps(),
                        cell.precision());
                OwnCallTimes times = timing.timeOwnCalls(testCase.spec(), testCase.parameters(), testCase.batch(),
                        cell.mode() == Mode.FORWARD ? OwnCallTiming.TimedCall.FORWARD
                                : OwnCallTiming.TimedCall.FORWARD_BACKWARD, warmUps, repetitions);
                StringBuilder line = new StringBuilder("RESULT\t").append(cell.ownCall().key()).append('\t')
                        .append(times.threads()).append('\t').append(oneLine(times.how()));
                for (long nanos : times.nanosPerRepetition()) {
                    line.append('\t').append(nanos / 1e6);
                }
                System.out.println(line);
            } catch (RuntimeException | OutOfMemoryError e) {
                System.out.printf(Locale.ROOT, "ERROR\t%s\t%s%n", cell.ownCall().key(), oneLine(String.valueOf(e)));
            }
            System.out.flush();
        }
        plugins.values().stream().filter(AutoCloseable.class::isInstance).forEach(plugin -> {
            try {
                ((AutoCloseable) plugin).close();
            } catch (Exception e) {
                System.err.println("could not close " + plugin.info().id() + ": " + e);
            }
        });
    }

    /** The arguments that time {@code cell} with {@code warmUps} and {@code repetitions}. */
    static List<String> arguments(Cell cell, int warmUps, int repetitions) {
        return List.of(cell.pluginId(), Cell.rnnCellName(cell.rnnCell()), Cell.topologyName(cell.topology()),
                cell.shape().toString(),
                Integer.toString(cell.steps()), cell.mode().label(), Cell.precisionName(cell.precision()),
                Integer.toString(warmUps), Integer.toString(repetitions));
    }

    private static String oneLine(String text) {
        return text.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
