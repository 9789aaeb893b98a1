package org.bptt.reports.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.bptt.core.verify.CaseResult;
import org.bptt.core.verify.Status;
import org.bptt.reports.FakeResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

class JunitXmlTest {

    @TempDir
    Path directory;

    /** Validates {@code file} against Jenkins' junit-10.xsd; throws naming the first violation. */
    static void validate(Path file) throws IOException, SAXException {
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        factory.newSchema(JunitXml.class.getResource(JunitXml.SCHEMA)).newValidator()
                .validate(new StreamSource(file.toFile()));
    }

    @Test
    void oneTestCasePerCaseAndImplementationValidAgainstTheJenkinsSchema() throws Exception {
        List<CaseResult> results = new FakeResults(42).mixedRun();
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("command", "verify --impl dl4j");
        provenance.put("seed", "42");
        Path file = JunitXml.write(directory.resolve("deep/out.xml"), "bptt verify", JunitXml.ofVerify("verify", results),
                provenance);

        validate(file);
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        NodeList testCases = xml.getElementsByTagName("testcase");
        assertEquals(results.size(), testCases.getLength());
        Element root = xml.getDocumentElement();
        assertEquals("testsuites", root.getTagName());
        assertEquals("10", root.getAttribute("tests"));
        // mixedRun: 2 failed, 1 error; the known divergence passes the gate, so it is a passed test case.
        assertEquals("2", root.getAttribute("failures"));
        assertEquals("1", root.getAttribute("errors"));
        NodeList suites = xml.getElementsByTagName("testsuite");
        assertEquals(2, suites.getLength(), "one suite per implementation");
        assertEquals("dl4j against reference-aggregated", ((Element) suites.item(0)).getAttribute("name"));
        assertEquals("1", ((Element) suites.item(1)).getAttribute("skipped"));
        for (int s = 0; s < suites.getLength(); s++) {
            NodeList properties = ((Element) suites.item(s)).getElementsByTagName("property");
            assertEquals("command", ((Element) properties.item(0)).getAttribute("name"));
            assertEquals("verify --impl dl4j", ((Element) properties.item(0)).getAttribute("value"));
        }
        for (int i = 0; i < testCases.getLength(); i++) {
            Element testCase = (Element) testCases.item(i);
            CaseResult result = results.stream().filter(r -> r.caseId().equals(testCase.getAttribute("name"))
                    && testCase.getAttribute("classname").equals("verify." + r.implementationId())).findFirst().orElseThrow();
            String expectedChild = switch (result.status()) {
                case FAILED -> "failure";
                case ERROR -> "error";
                case SKIPPED, ILL_CONDITIONED -> "skipped";
                case KNOWN_DIVERGENCE -> "system-out";
                case PASSED -> null;
            };
            NodeList children = testCase.getElementsByTagName("*");
            if (expectedChild == null) {
                assertEquals(0, children.getLength(), result.caseId());
                continue;
            }
            Element child = (Element) children.item(0);
            assertEquals(expectedChild, child.getTagName(), result.caseId());
            if (result.status() == Status.KNOWN_DIVERGENCE) {
                assertEquals(result.message(), child.getTextContent());
            } else {
                assertEquals(result.message(), child.getAttribute("message"));
            }
        }
    }

    @Test
    void anIllConditionedCaseIsSkippedWithItsAmplificationNotFailed() throws Exception {
        CaseResult result = new FakeResults(5).failed("reference-fast", "chaotic", "h", 200, Status.ILL_CONDITIONED,
                "ill-conditioned: ... (amplification 9.0e+15: h 9.0e+15) ...; failed: h");
        List<JunitXml.TestCase> cases = JunitXml.ofVerify("verify", List.of(result));
        assertEquals(JunitXml.Outcome.SKIPPED, cases.get(0).outcome());
        Path file = JunitXml.write(directory.resolve("ill.xml"), "bptt verify", cases, Map.of());
        validate(file);
        Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile()).getDocumentElement();
        assertEquals("0", root.getAttribute("failures"));
        Element skipped = (Element) root.getElementsByTagName("skipped").item(0);
        assertEquals(result.message(), skipped.getAttribute("message"));
    }

    @Test
    void charactersXmlCannotHoldAreReplacedAndTimesHaveNoExponent() throws Exception {
        JunitXml.TestCase odd = new JunitXml.TestCase("s", "c", "n\u0001", 1e-9, JunitXml.Outcome.FAILED,
                "bell \u0007 and <tags> & \"quotes\"");
        Path file = JunitXml.write(directory.resolve("odd.xml"), "x", List.of(odd), Map.of());
        validate(file);
        String text = Files.readString(file);
        assertTrue(text.contains("bell ? and &lt;tags> &amp; "), text);
        assertTrue(text.contains("time=\"0.000\""), text);
    }

    @Test
    void theSchemaRejectsWhatJenkinsRejects() throws IOException {
        // A test suite without its required counts: the validation this file's other tests rely on is real.
        Path invalid = Files.writeString(directory.resolve("invalid.xml"),
                "<testsuites><testsuite name=\"x\"><testcase name=\"a\"/></testsuite></testsuites>");
        assertThrows(SAXException.class, () -> validate(invalid));
    }
}
