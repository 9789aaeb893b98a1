package org.bptt.reports.charts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartWriterTest {

    @TempDir
    Path directory;

    private static XYChart decayChart() {
        XYChart chart = new XYChartBuilder().width(640).height(400).title("gradient norm by distance").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.addSeries("||dh_t/dh_k||", new double[] {1, 2, 3, 4}, new double[] {1, 0.1, 0.01, 0.001});
        return chart;
    }

    @Test
    void writesAPngAndAnSvgAndNothingElse() throws IOException {
        List<Path> written = ChartWriter.save(decayChart(), directory.resolve("charts"), "decay-tanh");

        assertEquals(List.of(directory.resolve("charts/decay-tanh.png"), directory.resolve("charts/decay-tanh.svg")),
                written);
        byte[] png = Files.readAllBytes(written.get(0));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(640, image.getWidth());
        assertEquals(400, image.getHeight());
        String svg = Files.readString(written.get(1));
        assertTrue(svg.contains("<svg"), "not an SVG: " + svg.substring(0, Math.min(200, svg.length())));
        try (Stream<Path> files = Files.list(directory.resolve("charts"))) {
            assertEquals(2, files.count(), "temporary files left behind");
        }
    }

    @Test
    void rendersHeadless() throws IOException {
        ChartWriter.png(decayChart());
        assertEquals("true", System.getProperty("java.awt.headless"));
        assertTrue(java.awt.GraphicsEnvironment.isHeadless());
    }

    @Test
    void refusesABaseNameThatIsNotAFileName() {
        assertThrows(IllegalArgumentException.class, () -> ChartWriter.save(decayChart(), directory, "a/b"));
        assertThrows(IllegalArgumentException.class, () -> ChartWriter.save(decayChart(), directory, ".hidden"));
    }

    @Test
    void safeNameReplacesWhatAFileNameCannotHold() {
        assertEquals("dL_dW", ChartWriter.safeName("dL/dW"));
        assertEquals("tanh-B3-T17-s42", ChartWriter.safeName("tanh-B3-T17-s42"));
        assertEquals("x.hidden", ChartWriter.safeName(".hidden"));
    }
}
