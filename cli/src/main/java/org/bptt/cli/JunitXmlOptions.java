package org.bptt.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bptt.reports.Provenance;
import org.bptt.reports.RunFolder;
import org.bptt.reports.junit.JunitXml;
import picocli.CommandLine.Option;

/** {@code --junit-xml FILE}: the verdicts also as JUnit XML, for a CI's test reporter. */
final class JunitXmlOptions {

    @Option(names = "--junit-xml", paramLabel = "FILE",
            description = "Also write the verdicts as JUnit XML (what Jenkins, GitLab, GitHub Actions and Azure read): one "
                    + "testcase per case and implementation; a known divergence is a passed testcase with its "
                    + "explanation in system-out.")
    Path file;

    /** Writes {@code cases} when --junit-xml was given, with the run's provenance as properties, and says where. */
    void write(String name, List<JunitXml.TestCase> cases, Map<String, String> properties, PrintWriter out) {
        if (file == null) {
            return;
        }
        try {
            JunitXml.write(file, name, cases, properties);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the JUnit XML file " + file.toAbsolutePath() + ": "
                    + e.getMessage(), e);
        }
        out.printf(Locale.ROOT, "JUnit XML:   %s (%d test cases)%n", file, cases.size());
        out.flush();
    }

    /** The verdicts of a verify run, with its run.json as properties. */
    void writeVerify(String command, VerifyJob.VerifyRun verified, PrintWriter out) {
        if (file == null) {
            return;
        }
        Map<String, String> properties;
        try {
            properties = Provenance.readFrom(RunFolder.open(verified.outputs().runFolder())).asProperties();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the provenance of " + verified.outputs().runFolder() + ": "
                    + e.getMessage(), e);
        }
        write("bptt " + command, JunitXml.ofVerify(command, verified.results()), properties, out);
    }
}
