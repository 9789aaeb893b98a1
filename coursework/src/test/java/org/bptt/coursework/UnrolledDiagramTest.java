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
import org.bptt.api.DataType;
import org.bptt.api.Head;
import org.bptt.api.LossReduction;
import org.bptt.api.ModelSpec;
import org.bptt.api.ResetPlacement;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class UnrolledDiagramTest {

    @Test
    void theDrawingIsWellFormedSvgWithEveryNodeAndTheSharedWeightsOnItsEdges() throws Exception {
        Document svg = parse(UnrolledDiagram.svg(ModelSpec.of(2, 2, 2), 3, false));
        assertEquals("svg", svg.getDocumentElement().getTagName());
        assertEquals("http://www.w3.org/2000/svg", svg.getDocumentElement().getNamespaceURI());
        assertEquals(List.of("h_{-1}", "x_0", "h_0", "y_0", "x_1", "h_1", "y_1", "x_2", "h_2", "y_2"), nodeTitles(svg));
        List<String> weights = weightLabels(svg);
        // Per step: U (x_t → h_t), W (h_{t-1} → h_t), V (h_t → y_t).
        assertEquals(List.of("U", "W", "V", "U", "W", "V", "U", "W", "V"), weights);
        assertEquals(weights.size(), svg.getElementsByTagNameNS("*", "line").getLength());
    }

    @Test
    void aLastStepHeadHasOnlyTheLastOutput() throws Exception {
        Document svg = parse(UnrolledDiagram.svg(ModelSpec.of(2, 2, 1).withHead(Head.LAST_STEP_SIGMOID), 2, true));
        assertEquals(List.of("h_{-1}", "x_0", "h_0", "x_1", "h_1", "y_1"), nodeTitles(svg));
        assertEquals(List.of("U", "W", "U", "W", "V"), weightLabels(svg));
    }

    @Test
    void aGruColumnHasItsGatesWithTheirOwnWeights() throws Exception {
        ModelSpec spec = new ModelSpec(Cell.GRU, CellOptions.gru(ResetPlacement.AFTER, false), 2, 2, 2, Activation.TANH,
                Head.PER_STEP_SOFTMAX, true, LossReduction.SUM, DataType.FLOAT64);
        Document svg = parse(UnrolledDiagram.svg(spec, 2, false));
        assertEquals(List.of("h_{-1}", "x_0", "r_0", "z_0", "n_0", "h_0", "y_0", "x_1", "r_1", "z_1", "n_1", "h_1", "y_1"),
                nodeTitles(svg));
        assertEquals(List.of("U_r", "W_r", "U_z", "W_z", "U_n", "W_n", "V", "U_r", "W_r", "U_z", "W_z", "U_n", "W_n", "V"),
                weightLabels(svg));
    }

    @Test
    void anLstmColumnHasItsGatesAndItsCellState() throws Exception {
        ModelSpec spec = new ModelSpec(Cell.LSTM, CellOptions.lstm(true, false), 2, 2, 1, Activation.TANH,
                Head.LAST_STEP_SIGMOID, true, LossReduction.SUM, DataType.FLOAT64);
        Document svg = parse(UnrolledDiagram.svg(spec, 2, true));
        assertEquals(List.of("h_{-1}", "c_{-1}", "x_0", "i_0", "f_0", "g_0", "o_0", "c_0", "h_0",
                "x_1", "i_1", "f_1", "g_1", "o_1", "c_1", "h_1", "y_1"), nodeTitles(svg));
        assertEquals(List.of("U_i", "W_i", "U_f", "W_f", "U_g", "W_g", "U_o", "W_o", "U_i", "W_i", "U_f", "W_f", "U_g", "W_g",
                "U_o", "W_o", "V"), weightLabels(svg));
    }

    private static Document parse(String text) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> nodeTitles(Document svg) {
        List<String> titles = new ArrayList<>();
        NodeList groups = svg.getElementsByTagNameNS("*", "g");
        for (int i = 0; i < groups.getLength(); i++) {
            Element group = (Element) groups.item(i);
            assertTrue(group.getAttribute("id").startsWith("node-"));
            titles.add(group.getElementsByTagNameNS("*", "title").item(0).getTextContent());
        }
        return titles;
    }

    private static List<String> weightLabels(Document svg) {
        List<String> labels = new ArrayList<>();
        NodeList texts = svg.getElementsByTagNameNS("*", "text");
        for (int i = 0; i < texts.getLength(); i++) {
            Element text = (Element) texts.item(i);
            if ("weight".equals(text.getAttribute("class"))) {
                labels.add(text.getTextContent());
            }
        }
        return labels;
    }
}
