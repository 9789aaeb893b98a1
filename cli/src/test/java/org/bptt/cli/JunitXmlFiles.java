package org.bptt.cli;

import java.nio.file.Path;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.bptt.reports.junit.JunitXml;
import org.w3c.dom.Document;

/** Reads a JUnit XML file the commands wrote, after validating it against Jenkins' junit-10.xsd. */
final class JunitXmlFiles {

    private JunitXmlFiles() {
    }

    static Document readValid(Path file) throws Exception {
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        factory.newSchema(JunitXml.class.getResource(JunitXml.SCHEMA)).newValidator()
                .validate(new StreamSource(file.toFile()));
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }
}
