package org.bptt.coursework;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.bptt.api.Head;
import org.bptt.api.ModelSpec;
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
