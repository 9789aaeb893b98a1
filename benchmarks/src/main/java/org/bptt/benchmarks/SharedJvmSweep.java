package org.bptt.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Measures the cells of a grid in this one JVM ({@link JmhSettings#sharedJvm}), started by {@link BenchRunner} with
 * the forks' heap, processors, OMP_NUM_THREADS and JIT: each group as {@link BenchRunner} measures it, with JMH
 * running the benchmarks here instead of forking a JVM per cell. Its arguments: the settings
 * ({@code warmUpIterations warmUpMillis measurementMillis gcProfiler threads workDirectory}), then eight per cell
 * ({@code implementation cell topology shape T mode precision measuredIterations}), a group's cells one after
 * another. On stdout, one line per cell, fields separated by tabs: {@code STARTED <cell key>} when its measurement
 * starts, then {@code RESULT <cell key> <error ms> <allocation B/op> <sample ms>,<sample ms>...} (one sample per
 * measured iteration); JMH's report goes to stderr.
 */
public final class SharedJvmSweep {

    static final String STARTED = "STARTED";
    static final String RESULT = "RESULT";

    private static final int SETTINGS = 6;
    private static final int PER_CELL = 8;

    private SharedJvmSweep() {
    }

    /** This class's arguments for {@code groups} under {@code settings}. */
    static List<String> arguments(JmhSettings settings, Path workDirectory, List<List<Cell>> groups) {
        List<String> arguments = new ArrayList<>(List.of(Integer.toString(settings.warmupIterations()),
                Long.toString(settings.warmupTime().toMillis()), Long.toString(settings.measurementTime().toMillis()),
                Boolean.toString(settings.gcProfiler()), Integer.toString(settings.threads()), workDirectory.toString()));
        for (List<Cell> group : groups) {
            for (Cell cell : group) {
                arguments.addAll(List.of(cell.implementation(), Cell.rnnCellName(cell.rnnCell()),
                        Cell.topologyName(cell.topology()), cell.shape().toString(), Integer.toString(cell.steps()),
                        cell.mode().name(), Cell.precisionName(cell.precision()),
                        Integer.toString(settings.measuredIterations(cell))));
            }
        }
        return arguments;
    }

    /** The result a {@code RESULT} line gives for {@code cell}. */
    static CellResult parseResult(Cell cell, String[] fields, int threads) {
        double error = Double.parseDouble(fields[2]);
        double allocation = Double.parseDouble(fields[3]);
        double[] samples = fields.length > 4 && !fields[4].isEmpty()
                ? java.util.Arrays.stream(fields[4].split(",")).mapToDouble(Double::parseDouble).toArray() : new double[0];
        return new CellResult(cell, CellResult.Status.MEASURED, "", List.of(samples), error, allocation, Double.NaN,
                threads);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < SETTINGS || (args.length - SETTINGS) % PER_CELL != 0) {
            System.err.println("usage: SharedJvmSweep warmUpIterations warmUpMillis measurementMillis gcProfiler threads"
                    + " workDirectory (implementation cell topology shape T mode precision measuredIterations)...");
            System.exit(2);
        }
        int warmUpIterations = Integer.parseInt(args[0]);
        Duration warmUpTime = Duration.ofMillis(Long.parseLong(args[1]));
        Duration measurementTime = Duration.ofMillis(Long.parseLong(args[2]));
        boolean gcProfiler = Boolean.parseBoolean(args[3]);
        int threads = Integer.parseInt(args[4]);
        Path workDirectory = Path.of(args[5]);
        // Consecutive cells that differ only in T form a group, as BenchRunner made them.
        List<List<Cell>> groups = new ArrayList<>();
        List<Integer> iterations = new ArrayList<>();
        String previousKey = null;
        for (int i = SETTINGS; i < args.length; i += PER_CELL) {
            Cell cell = new Cell(args[i], Cell.parseRnnCell(args[i + 1]), Shape.parse(args[i + 3]),
                    Integer.parseInt(args[i + 4]), Mode.valueOf(args[i + 5]), Cell.parsePrecision(args[i + 6]),
                    Cell.parseTopology(args[i + 2]));
            int measured = Integer.parseInt(args[i + 7]);
            String key = String.join("|", args[i], args[i + 1], args[i + 2], args[i + 3], args[i + 5], args[i + 6],
                    args[i + 7]);
            if (!key.equals(previousKey)) {
                groups.add(new ArrayList<>());
                iterations.add(measured);
                previousKey = key;
            }
            groups.get(groups.size() - 1).add(cell);
        }
        BenchRunner.Listener toParent = new BenchRunner.Listener() {
            @Override
            public void cellStarted(Cell cell, int index, int total) {
                System.out.println(STARTED + "\t" + cell.key());
                System.out.flush();
            }

            @Override
            public void cellFinished(Cell cell, int index, int total) {
            }

            @Override
            public void message(String line) {
                System.err.println(line);
            }

            @Override
            public void resultsSoFar(List<CellResult> results) {
            }
        };
        int total = groups.stream().mapToInt(List::size).sum();
        int[] started = {0};
        int[] finished = {0};
        for (int g = 0; g < groups.size(); g++) {
            // The heap is this JVM's already (the parent started it with the forks' -Xms and -Xmx).
            JmhSettings settings = new JmhSettings(1, warmUpIterations, warmUpTime, iterations.get(g), measurementTime,
                    "1g", threads, gcProfiler);
            BenchRunner runner = new BenchRunner(settings, BenchmarkCase.pluginDirectories(), workDirectory, toParent);
            Map<String, CellResult> measured = runner.runGroup(groups.get(g), 0, "", null, System.err, started, finished,
                    total);
            for (Cell cell : groups.get(g)) {
                CellResult result = measured.get(cell.key());
                if (result != null) {
                    StringBuilder line = new StringBuilder(RESULT).append('\t').append(cell.key()).append('\t')
                            .append(result.errorMs()).append('\t').append(result.allocBytesPerCall()).append('\t');
                    List<String> samples = new ArrayList<>();
                    result.samplesByFork().forEach(fork -> java.util.Arrays.stream(fork)
                            .forEach(sample -> samples.add(Double.toString(sample))));
                    line.append(String.join(",", samples));
                    System.out.println(line);
                    System.out.flush();
                }
            }
        }
    }
}
