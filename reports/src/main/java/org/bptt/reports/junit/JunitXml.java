package org.bptt.reports.junit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.bptt.core.verify.CaseResult;
import org.bptt.reports.AtomicFiles;

/**
 * Verdicts as JUnit XML, the format Jenkins, GitLab, GitHub Actions' test reporters and Azure Pipelines read (the
 * Ant/Surefire form that Jenkins' {@code junit-10.xsd} describes; a test validates every file against it):
 * <pre>
 *   &lt;testsuites name tests failures errors time&gt;
 *     &lt;testsuite name tests failures errors skipped time&gt;     one per implementation (or command)
 *       &lt;properties&gt;&lt;property name value/&gt;...              the run's provenance (run.json)
 *       &lt;testcase classname name time&gt;                       one per case × implementation
 *         &lt;failure message type&gt;details&lt;/failure&gt;         beyond tolerance (FAILED)
 *         &lt;error message type&gt;details&lt;/error&gt;             the plugin threw, hung or returned garbage (ERROR)
 *         &lt;skipped message/&gt;                              the reason (SKIPPED), or the measured
 *                                                             amplification (ILL_CONDITIONED)
 *         &lt;system-out&gt;known divergence: ...&lt;/system-out&gt;  a known divergence: passed, with the note
 * </pre>
 * A known third-party divergence is a <em>passed</em> test case with its explanation in {@code system-out}: the gate
 * passes on it, so a CI that counts it as failed would contradict the exit code, and a CI that counts it as skipped
 * would say the implementation was not run, when it was run, compared, and differed exactly as documented.
 * An ill-conditioned case is <em>skipped</em>, with the amplification as the reason: rounding alone can move a correct
 * implementation beyond tolerance there, so the comparison was run but cannot judge, and the gate does not fail on it.
 */
public final class JunitXml {

    /** The schema every file follows, Jenkins' junit-10.xsd written out again (a resource of this package). */
    public static final String SCHEMA = "junit-10.xsd";

    /** How a test case ended, as JUnit XML says it. */
    public enum Outcome { PASSED, FAILED, ERROR, SKIPPED }

    /**
     * One test case.
     *
     * @param suite     the test suite it belongs to (e.g. the implementation)
     * @param className JUnit's classname, e.g. {@code verify.dl4j}
     * @param name      e.g. the case id
     * @param seconds   wall time
     * @param message   the failure's, error's or skip's message; for a pass, a note or empty
     */
    public record TestCase(String suite, String className, String name, double seconds, Outcome outcome,
                           String message) {
    }

    private JunitXml() {
    }

    /** One test case per result: classname {@code <command>.<implementation>}, name the case id. */
    public static List<TestCase> ofVerify(String command, List<CaseResult> results) {
        List<TestCase> cases = new ArrayList<>(results.size());
        for (CaseResult result : results) {
            String suite = result.implementationId() + " against " + result.oracleId();
            String className = command + "." + result.implementationId();
            double seconds = result.nanos() / 1e9;
            String message = result.message() == null ? "" : result.message();
            Outcome outcome = switch (result.status()) {
                case PASSED, KNOWN_DIVERGENCE -> Outcome.PASSED;
                case FAILED -> Outcome.FAILED;
                case ERROR -> Outcome.ERROR;
                case SKIPPED, ILL_CONDITIONED -> Outcome.SKIPPED;
            };
            cases.add(new TestCase(suite, className, result.caseId(), seconds, outcome, message));
        }
        return cases;
    }

    /**
     * Writes {@code cases} to {@code file} (atomically; missing parent folders are created), grouped into one test
     * suite per {@link TestCase#suite()} in the order they first appear, each with {@code properties}.
     *
     * @param name       the name of the whole file, e.g. {@code bptt verify}
     * @param properties the provenance, written into every test suite
     */
    public static Path write(Path file, String name, List<TestCase> cases, Map<String, String> properties)
            throws IOException {
        Map<String, List<TestCase>> suites = new LinkedHashMap<>();
        for (TestCase testCase : cases) {
            suites.computeIfAbsent(testCase.suite(), suite -> new ArrayList<>()).add(testCase);
        }
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        AtomicFiles.write(absolute, out -> writeXml(out, name, suites, properties));
        return file;
    }

    private static void writeXml(OutputStream out, String name, Map<String, List<TestCase>> suites,
                                 Map<String, String> properties) throws IOException {
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            xml.writeStartDocument("UTF-8", "1.0");
            newLine(xml, 0);
            xml.writeStartElement("testsuites");
            List<TestCase> all = suites.values().stream().flatMap(List::stream).toList();
            xml.writeAttribute("name", clean(name));
            xml.writeAttribute("tests", Integer.toString(all.size()));
            xml.writeAttribute("failures", Long.toString(count(all, Outcome.FAILED)));
            xml.writeAttribute("errors", Long.toString(count(all, Outcome.ERROR)));
            xml.writeAttribute("time", seconds(all.stream().mapToDouble(TestCase::seconds).sum()));
            for (Map.Entry<String, List<TestCase>> suite : suites.entrySet()) {
                writeSuite(xml, suite.getKey(), suite.getValue(), properties);
            }
            newLine(xml, 0);
            xml.writeEndElement();
            newLine(xml, 0);
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write JUnit XML: " + e.getMessage(), e);
        }
    }

    private static void writeSuite(XMLStreamWriter xml, String name, List<TestCase> cases, Map<String, String> properties)
            throws XMLStreamException {
        newLine(xml, 1);
        xml.writeStartElement("testsuite");
        xml.writeAttribute("name", clean(name));
        xml.writeAttribute("tests", Integer.toString(cases.size()));
        xml.writeAttribute("failures", Long.toString(count(cases, Outcome.FAILED)));
        xml.writeAttribute("errors", Long.toString(count(cases, Outcome.ERROR)));
        xml.writeAttribute("skipped", Long.toString(count(cases, Outcome.SKIPPED)));
        xml.writeAttribute("time", seconds(cases.stream().mapToDouble(TestCase::seconds).sum()));
        newLine(xml, 2);
        xml.writeStartElement("properties");
        for (Map.Entry<String, String> property : properties.entrySet()) {
            newLine(xml, 3);
            xml.writeEmptyElement("property");
            xml.writeAttribute("name", clean(property.getKey()));
            xml.writeAttribute("value", clean(String.valueOf(property.getValue())));
        }
        newLine(xml, 2);
        xml.writeEndElement();
        for (TestCase testCase : cases) {
            newLine(xml, 2);
            xml.writeStartElement("testcase");
            xml.writeAttribute("name", clean(testCase.name()));
            xml.writeAttribute("classname", clean(testCase.className()));
            xml.writeAttribute("time", seconds(testCase.seconds()));
            String message = clean(testCase.message());
            switch (testCase.outcome()) {
                case FAILED, ERROR -> {
                    xml.writeStartElement(testCase.outcome() == Outcome.FAILED ? "failure" : "error");
                    xml.writeAttribute("message", message);
                    xml.writeAttribute("type", testCase.outcome() == Outcome.FAILED ? "beyond tolerance" : "plugin error");
                    xml.writeCharacters(message);
                    xml.writeEndElement();
                }
                case SKIPPED -> {
                    xml.writeEmptyElement("skipped");
                    xml.writeAttribute("message", message);
                }
                case PASSED -> {
                    if (!message.isEmpty()) {
                        xml.writeStartElement("system-out");
                        xml.writeCharacters(message);
                        xml.writeEndElement();
                    }
                }
            }
            xml.writeEndElement();
        }
        newLine(xml, 1);
        xml.writeEndElement();
    }

    private static long count(List<TestCase> cases, Outcome outcome) {
        return cases.stream().filter(testCase -> testCase.outcome() == outcome).count();
    }

    /** Seconds with a decimal point and no exponent, as the schema's time pattern (Surefire's) requires. */
    static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.3f", Double.isFinite(seconds) && seconds > 0 ? seconds : 0.0);
    }

    /** The text without the characters XML 1.0 cannot hold (control characters other than tab and line ends). */
    static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder cleaned = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            boolean allowed = c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xD7FF)
                    || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
            cleaned.appendCodePoint(allowed ? c : '?');
        });
        return cleaned.toString();
    }

    private static void newLine(XMLStreamWriter xml, int depth) throws XMLStreamException {
        xml.writeCharacters("\n" + "  ".repeat(depth));
    }
}
