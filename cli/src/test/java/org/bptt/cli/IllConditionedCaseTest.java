package org.bptt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stored chaotic case (test resources, chaotic-vectors: tanh, H = 40, W at spectral radius 3, T = 100): a correct
 * implementation that sums in another order than the oracle is beyond tolerance there, and the gate says why.
 */
class IllConditionedCaseTest {

    @TempDir
    Path folder;

    private static Path chaoticVectors() throws URISyntaxException {
        return Path.of(IllConditionedCaseTest.class.getResource("/chaotic-vectors/index.json").toURI()).getParent();
    }

    @Test
    void aCorrectImplementationOnAChaoticCaseIsIllConditionedNotFailedAndTheGatePasses() throws Exception {
        Path junit = folder.resolve("out.xml");
        CliRun run = CliRun.of("verify", "--impl", "reference-fast", "--cases", chaoticVectors().toString(),
                "--out", folder.toString(), "--junit-xml", junit.toString());

        assertEquals(ExitCode.OK, run.exitCode(), run::toString);
        String row = run.out().lines().filter(line -> line.startsWith("reference-fast ")).findFirst().orElseThrow()
                .trim().replaceAll("\\s+", " ");
        // cases passed failed known ill-cond. error skipped oracle
        assertEquals("reference-fast 1 0 0 0 1 0 0 stored-vectors", row, run::toString);
        assertTrue(run.out().contains("Ill-conditioned, neither passed nor failed"), run::toString);
        assertTrue(run.out().matches("(?s).*chaotic-tanh-H40-rho3-B1-T100: ill-conditioned: .*amplification \\d\\.\\de\\+\\d+.*"),
                run::toString);
        String cases = Files.readString(runFolder().resolve("verify-cases.csv"));
        assertTrue(cases.contains(",ILL_CONDITIONED,"), cases);
        String xml = Files.readString(junit);
        assertTrue(xml.contains("<skipped message=\"ill-conditioned: "), xml);
        assertTrue(xml.contains("failures=\"0\""), xml);
    }

    @Test
    void aDroppedBiasGradientStillFailsTheWellConditionedDefaultSuiteAndNothingIsIllConditioned() {
        CliRun run = CliRun.of("verify", "--impl", "test-dropped-bias", "--cell", "elman", "--out", folder.toString());

        assertEquals(ExitCode.DIVERGED, run.exitCode(), run::toString);
        String[] row = run.out().lines().filter(line -> line.startsWith("test-dropped-bias ")).findFirst().orElseThrow()
                .trim().split("\\s+");
        // cases passed failed known ill-cond. error skipped oracle
        assertTrue(Integer.parseInt(row[3]) > 0, String.join(" ", row));
        assertEquals("0", row[5], "no case of the default suite is ill-conditioned: " + String.join(" ", row));
        assertTrue(run.out().lines().filter(line -> line.trim().startsWith("FAILED"))
                .allMatch(line -> line.contains(": dL/db[i=")), run::toString);
    }

    private Path runFolder() throws IOException {
        try (Stream<Path> runs = Files.list(folder)) {
            List<Path> folders = runs.filter(Files::isDirectory).toList();
            assertEquals(1, folders.size(), folders.toString());
            return folders.get(0);
        }
    }
}
