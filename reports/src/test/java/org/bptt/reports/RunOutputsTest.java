package org.bptt.reports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import org.bptt.outputs.ChartSpec;
import org.bptt.outputs.ChartSpec.Axis;
import org.bptt.outputs.ChartSpec.Layout;
import org.bptt.outputs.ChartSpec.Legend;
import org.bptt.outputs.ChartSpec.Line;
import org.bptt.outputs.ChartSpec.Marker;
import org.bptt.outputs.ChartSpec.Series;
import org.bptt.outputs.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run writer: each output under its documented name, whole or not at all. */
class RunOutputsTest {

    @TempDir
    Path root;

    private RunOutputs outputs() throws IOException {
        return new RunOutputs(RunFolder.create(root, "decay", RunFolderTest.CLOCK));
    }

    @Test
    void aTableIsWrittenAsCsvUnderItsName() throws IOException {
        RunOutputs outputs = outputs();
        Table table = Table.builder("decay-summary", "f", "note", "rate")
                .row("tanh", "a, \"quoted\" note", 0.25)
                .row("relu", "", Double.NaN)
                .build();

        Path written = outputs.writeTable(table);

        assertEquals(outputs.folder().resolve("decay-summary.csv"), written);
        // RFC 4180 quoting only where needed, '\n' line ends, doubles as Double.toString.
        assertEquals("f,note,rate\ntanh,\"a, \"\"quoted\"\" note\",0.25\nrelu,,NaN\n",
                Files.readString(written, StandardCharsets.UTF_8));
        assertEquals(Files.readString(written, StandardCharsets.UTF_8), RunOutputs.csv(table));
        assertEquals(List.of("decay-summary.csv"), RunFolderTest.fileNames(outputs.folder().path()));
    }

    @Test
    void runJsonIsTheProvenanceAndReadsBack() throws IOException {
        RunOutputs outputs = outputs();
        Provenance provenance = ProvenanceTest.sample();

        assertEquals(outputs.folder().resolve("run.json"), outputs.writeProvenance(provenance));
        assertEquals(provenance, Provenance.readFrom(outputs.folder()));
    }

    @Test
    void aChartSpecIsDrawnAsPngAndSvgInTheChartsFolder() throws IOException {
        RunOutputs outputs = outputs();
        ChartSpec chart = new ChartSpec("decay-hidden-tanh", "‖∂L/∂h_k‖ against the lag", Axis.linear("lag"),
                Axis.logarithmic("norm"), List.of(), List.of(
                        Series.line("σmax = 0.5", List.of(0, 1, 2, 3), List.of(1.0, 0.5, 0.25, 0.125), Color.BLUE,
                                Line.SOLID),
                        Series.points("dl4j", List.of(0, 2), List.of(1.0, 0.25), Color.RED, Marker.CIRCLE)),
                new Layout(640, 400, 12f, Legend.RIGHT, 5));

        List<Path> written = outputs.writeChart(chart);

        Path charts = outputs.folder().resolve("charts");
        assertEquals(List.of(charts.resolve("decay-hidden-tanh.png"), charts.resolve("decay-hidden-tanh.svg")), written);
        byte[] png = Files.readAllBytes(written.get(0));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(640, image.getWidth());
        assertEquals(400, image.getHeight());
        String svg = Files.readString(written.get(1), StandardCharsets.UTF_8);
        assertTrue(svg.contains("<svg"), "not an SVG: " + svg.substring(0, Math.min(200, svg.length())));
        assertEquals(List.of("decay-hidden-tanh.png", "decay-hidden-tanh.svg"), RunFolderTest.fileNames(charts));
    }

    @Test
    void aFailedWriteNamesTheFileAndTheFolderAndLeavesNothingBehind() throws IOException {
        RunOutputs outputs = outputs();
        Files.writeString(outputs.folder().resolve("charts"), "a file where the charts folder belongs");
        ChartSpec chart = new ChartSpec("c", "t", Axis.linear("x"), Axis.linear("y"), List.of(),
                List.of(Series.line("s", List.of(1, 2), List.of(1.0, 2.0), Color.BLUE, Line.SOLID)),
                new Layout(300, 200, 12f, Legend.RIGHT, 5));

        IOException error = assertThrows(IOException.class, () -> outputs.writeChart(chart));

        assertTrue(error.getMessage().startsWith("cannot write charts/c.png|svg in " + outputs.folder().path()),
                error.getMessage());
        assertEquals(List.of("charts"), RunFolderTest.fileNames(outputs.folder().path()));
    }

    @Test
    void aReaderSeesTheOldTableOrTheNewOneNeverPartOfOne() throws Exception {
        RunOutputs outputs = outputs();
        // Large enough that writing one takes many buffer flushes; each version is one letter repeated.
        List<Table> versions = new ArrayList<>();
        for (String letter : List.of("a", "b")) {
            versions.add(new Table("verify-quantities", List.of("cell"), Collections.nCopies(20_000, List.of(letter))));
        }
        Path file = outputs.writeTable(versions.get(0));
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try {
                for (int i = 1; i <= 60; i++) {
                    outputs.writeTable(versions.get(i % 2));
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            } finally {
                writing.set(false);
            }
        });
        writer.start();
        int reads = 0;
        while (writing.get() || reads == 0) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            assertEquals(20_001, lines.size(), "read " + reads + " saw a table cut short");
            assertEquals(1, lines.stream().skip(1).distinct().count(), "read " + reads + " saw two versions mixed");
            reads++;
        }
        writer.join();
        assertEquals(List.of("verify-quantities.csv"), RunFolderTest.fileNames(outputs.folder().path()),
                "no temporary file left behind");
    }
}
