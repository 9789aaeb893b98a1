package org.bptt.reports;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.bptt.outputs.ChartSpec;
import org.bptt.outputs.Table;
import org.bptt.reports.charts.ChartDrawing;
import org.bptt.reports.charts.ChartWriter;

/**
 * The one writer of what a run leaves in its {@link RunFolder}: every command writes its provenance, its tables and
 * its charts through here, each file atomically (through {@link AtomicFiles}: written under a temporary name in the
 * same directory, then moved into place, so that a reader or an interrupted run never sees half a file):
 * <pre>
 *   run.json               the {@link Provenance}: written when the run starts, and again with its end time
 *   &lt;table&gt;.csv            each {@link Table}, in the {@link #CSV} dialect
 *   charts/&lt;chart&gt;.png     each {@link ChartSpec}, drawn by {@link ChartDrawing} (for reports and Allure)
 *   charts/&lt;chart&gt;.svg     the same chart as SVG (for write-ups)
 *   &lt;file&gt;                 any other text, e.g. the bench's Markdown summary
 * </pre>
 * Writing a file again replaces it whole: a run rewrites its tables as results arrive. A failed write leaves the
 * earlier version (if any) in place and throws an {@link IOException} that names the file and the run folder.
 * (A verify run's charts are the one exception to drawing from specifications: {@code VerifyCharts} builds them in
 * this module from case results, and they are saved by the same {@link ChartWriter}.)
 */
public final class RunOutputs {

    /** The folder of a run that holds its charts. */
    public static final String CHARTS = "charts";

    /**
     * The CSV dialect of every bptt table (reports/COLUMNS.md): UTF-8, comma-separated, a header row, '\n' line ends,
     * fields quoted (RFC 4180 style) only when they contain a comma, quote or line break.
     */
    public static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

    private final RunFolder folder;

    /** A writer into {@code folder}. */
    public RunOutputs(RunFolder folder) {
        this.folder = Objects.requireNonNull(folder, "folder");
    }

    /** The run folder written into. */
    public RunFolder folder() {
        return folder;
    }

    /** Writes {@value Provenance#FILE_NAME}. */
    public Path writeProvenance(Provenance provenance) throws IOException {
        byte[] json = provenance.toJson().getBytes(StandardCharsets.UTF_8);
        return write(Provenance.FILE_NAME, () -> folder.writeAtomically(Provenance.FILE_NAME, out -> out.write(json)));
    }

    /** Writes {@code <name>.csv}: {@link #csv} of the table. */
    public Path writeTable(Table table) throws IOException {
        String fileName = table.name() + ".csv";
        return write(fileName, () -> folder.writeAtomically(fileName, out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            print(table, writer);
            writer.flush(); // not closed: the atomic write closes the stream, then moves the file into place
        }));
    }

    /** The table as {@link #CSV} text, the header row first: what {@link #writeTable} writes (and attachments show). */
    public static String csv(Table table) {
        StringBuilder text = new StringBuilder();
        try {
            print(table, text);
        } catch (IOException e) {
            throw new IllegalStateException("appending to a StringBuilder cannot fail", e);
        }
        return text.toString();
    }

    private static void print(Table table, Appendable out) throws IOException {
        CSVPrinter printer = new CSVPrinter(out, CSV);
        printer.printRecord(table.columns());
        for (List<String> row : table.rows()) {
            printer.printRecord(row);
        }
        printer.flush();
    }

    /** Writes each table; returns the files in the same order. */
    public List<Path> writeTables(List<Table> tables) throws IOException {
        List<Path> written = new ArrayList<>();
        for (Table table : tables) {
            written.add(writeTable(table));
        }
        return written;
    }

    /** Draws the chart and writes {@code charts/<name>.png} and {@code charts/<name>.svg}; returns them in that order. */
    public List<Path> writeChart(ChartSpec chart) throws IOException {
        String files = CHARTS + "/" + chart.name() + ".png|svg";
        return write(files, () -> ChartWriter.save(ChartDrawing.draw(chart), folder.resolve(CHARTS), chart.name()));
    }

    /** Writes each chart; returns the files, PNG then SVG for each chart in order. */
    public List<Path> writeCharts(List<ChartSpec> charts) throws IOException {
        List<Path> written = new ArrayList<>();
        for (ChartSpec chart : charts) {
            written.addAll(writeChart(chart));
        }
        return written;
    }

    /** Writes {@code text} as UTF-8 to {@code fileName}, a path inside the run folder. */
    public Path writeText(String fileName, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return write(fileName, () -> folder.writeAtomically(fileName, out -> out.write(bytes)));
    }

    /** A write that may fail. */
    @FunctionalInterface
    private interface Write<T> {
        T run() throws IOException;
    }

    /** Runs {@code write}, naming {@code file} and the run folder in its failure. */
    private <T> T write(String file, Write<T> write) throws IOException {
        try {
            return write.run();
        } catch (IOException e) {
            throw new IOException("cannot write " + file + " in " + folder.path() + ": " + e.getMessage(), e);
        }
    }
}
