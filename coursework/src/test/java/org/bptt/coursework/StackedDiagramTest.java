package org.bptt.coursework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.bptt.api.Activation;
import org.bptt.api.Cell;
import org.bptt.api.CellOptions;
import org.bptt.api.Combine;
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ResetPlacement;
import org.bptt.api.Topology;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class StackedDiagramTest {

    @Test
    void aTwoLayerBidirectionalNetworkHasEveryLayersAndDirectionsStatesPerStep() throws Exception {
        ModelSpec spec = ModelSpec.of(2, 2, 2).withTopology(Topology.bidirectional(2, Combine.CONCAT));
        Document svg = parse(StackedDiagram.svg(spec, 3, false));
        // Per layer: the forward states h_{-1}, h_0..h_2, the reverse states h_3 (its initial state), h_0..h_2, the
        // combined outputs o_0..o_2; below them x_0..x_2, above them y_0..y_2 (per-step head).
        List<String> expected = new ArrayList<>(List.of("x_0", "x_1", "x_2"));
        for (int layer = 0; layer < 2; layer++) {
            String forward = "l" + layer + ".h_";
            String reverse = "l" + layer + ".reverse.h_";
            expected.addAll(List.of(forward + "{-1}", forward + "0", forward + "1", forward + "2",
                    reverse + "3", reverse + "0", reverse + "1", reverse + "2",
                    "l" + layer + ".o_0", "l" + layer + ".o_1", "l" + layer + ".o_2"));
        }
        expected.addAll(List.of("y_0", "y_1", "y_2"));
        assertEquals(expected, nodeTitles(svg));
        assertEquals(28, expected.size());

        // Six recurrent edges per direction (2 layers × 3 steps): the reverse ones run right to left.
        List<Element> forwardEdges = elements(svg, "line", "recurrent forward");
        List<Element> reverseEdges = elements(svg, "line", "recurrent reverse");
        assertEquals(6, forwardEdges.size());
        assertEquals(6, reverseEdges.size());
        for (Element edge : forwardEdges) {
            assertTrue(x(edge, "x1") < x(edge, "x2"), "a forward recurrent edge runs left to right");
        }
        for (Element edge : reverseEdges) {
            assertTrue(x(edge, "x1") > x(edge, "x2"), "a reverse recurrent edge runs right to left");
        }
        // Each step's two directions of each layer feed its combined output: 2 × 2 × 3.
        assertEquals(12, elements(svg, "path", "combine").size() + elements(svg, "line", "combine").size());

        List<String> weights = weightLabels(svg);
        for (String name : List.of("U", "W", "l0.reverse.U", "l0.reverse.W", "l1.U", "l1.W", "l1.reverse.U", "l1.reverse.W")) {
            assertEquals(3, weights.stream().filter(name::equals).count(), () -> name + " on each step's edge: " + weights);
        }
        assertEquals(3, weights.stream().filter("V"::equals).count(), weights::toString);
    }

    @Test
    void aStackedForwardGruHasNoCombinationAndItsGatesWeightsOnTheEdges() throws Exception {
        ModelSpec spec = new ModelSpec(Cell.GRU, CellOptions.gru(ResetPlacement.AFTER, false), 2, 2, 1, Activation.TANH,
                Head.LAST_STEP_SIGMOID, true, LossReduction.SUM, DataType.FLOAT64).withTopology(Topology.forward(3));
        Document svg = parse(StackedDiagram.svg(spec, 2, true));
        assertEquals(List.of("x_0", "x_1", "l0.h_{-1}", "l0.h_0", "l0.h_1", "l1.h_{-1}", "l1.h_0", "l1.h_1",
                "l2.h_{-1}", "l2.h_0", "l2.h_1", "y_1"), nodeTitles(svg));
        assertEquals(0, elements(svg, "line", "recurrent reverse").size());
        List<String> weights = weightLabels(svg);
        assertTrue(weights.contains("U_r, U_z, U_n"), weights::toString);
        assertTrue(weights.contains("l2.W_r, l2.W_z, l2.W_n"), weights::toString);
        assertEquals(List.of("V"), weights.stream().filter(w -> w.equals("V")).toList());
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> nodeTitles(Document svg) {
        List<String> titles = new ArrayList<>();
        NodeList groups = svg.getElementsByTagNameNS("*", "g");
        for (int i = 0; i < groups.getLength(); i++) {
            titles.add(((Element) groups.item(i)).getElementsByTagNameNS("*", "title").item(0).getTextContent());
        }
        return titles;
    }

    private static List<Element> elements(Document svg, String tag, String kind) {
        List<Element> found = new ArrayList<>();
        NodeList lines = svg.getElementsByTagNameNS("*", tag);
        for (int i = 0; i < lines.getLength(); i++) {
            if (((Element) lines.item(i)).getAttribute("class").equals(kind)) {
                found.add((Element) lines.item(i));
            }
        }
        return found;
    }

    private static double x(Element line, String attribute) {
        return Double.parseDouble(line.getAttribute(attribute));
    }

    private static List<String> weightLabels(Document svg) {
        List<String> labels = new ArrayList<>();
        NodeList texts = svg.getElementsByTagNameNS("*", "text");
        for (int i = 0; i < texts.getLength(); i++) {
            Element text = (Element) texts.item(i);
            if (text.getAttribute("class").equals("weight")) {
                labels.add(text.getTextContent());
            }
        }
        return labels;
    }
}
