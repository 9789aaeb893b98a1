package org.bptt.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.bptt.api.Case;
import org.bptt.api.ModelSpec;
import org.bptt.api.OwnCallTimes;
import org.bptt.api.OwnCallTiming.TimedCall;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.reference.ReferenceAggregatedRnn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The protocol's {@code bench} request (PROTOCOL.md): a round trip with the NumPy example, which times its own calls,
 * and the errors of programs that answer it wrongly or not at all; after each, the process still answers cases.
 */
@EnabledOnOs(OS.LINUX)
class BenchRequestTest {

    private static final String PYTHON = "/usr/bin/python3";
    private static final ModelSpec SPEC = ModelSpec.of(3, 4, 3);
    private static final Case CASE = CaseGenerator.generate("bench", SPEC, 2, 6, false, false, 21);

    @Test
    void theNumPyExampleAnswersOneTimePerRepetitionAndStaysInStep() {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is missing (./run-tests installs python3-numpy)");
        try (ExternalRnn numpy = ExternalRnn.start("cmd:" + PYTHON + " " + root().resolve("examples/numpy/rnn.py"),
                Duration.ofSeconds(60))) {
            for (TimedCall call : TimedCall.values()) {
                long start = System.nanoTime();
                OwnCallTimes times = numpy.timeOwnCalls(SPEC, CASE.parameters(), CASE.batch(), call, 1, 4);
                long wall = System.nanoTime() - start;
                long[] nanos = times.nanosPerRepetition();
                assertEquals(4, nanos.length, call.name());
                long sum = 0;
                for (long repetition : nanos) {
                    assertTrue(repetition > 0, call + ": " + repetition);
                    sum += repetition;
                }
                // The program's own times cannot add up to more than the whole request took, JSON and pipes included.
                assertTrue(sum <= wall, call + ": " + sum + " ns of " + wall + " ns");
                assertTrue(times.threads() >= 1, call + ": threads " + times.threads());
                assertTrue(times.how().contains(call == TimedCall.FORWARD ? "forward(case)" : "gradients(case)"),
                        times.how());
                // NumPy's matrix products run in the system's BLAS, which decides the figure: the answer names it.
                assertTrue(times.how().contains("libblas.so.3") || times.how().contains("openblas"), times.how());
            }
            // The exchange is still in step: the next case is answered, and answered right.
            double loss = numpy.forward(SPEC, CASE.parameters(), CASE.batch()).loss();
            double expected = new ReferenceAggregatedRnn().forward(SPEC, CASE.parameters(), CASE.batch()).loss();
            assertEquals(expected, loss, 1e-12 * Math.abs(expected));
        }
    }

    @Test
    void aProgramWithoutTheRequestRefusesItAndGoesOn() {
        try (ExternalRnn fake = start("no-bench")) {
            ExternalProcessException error = assertThrows(ExternalProcessException.class, () -> fake.timeOwnCalls(SPEC,
                    CASE.parameters(), CASE.batch(), TimedCall.FORWARD_BACKWARD, 0, 3));
            assertTrue(error.getMessage().contains("bench (forward+backward, 3 repetitions) of case")
                    && error.getMessage().contains("unknown op 'bench'"), error.getMessage());
            assertTrue(fake.pid().isPresent(), "a refusal keeps the process");
        }
    }

    @Test
    void tooFewTimesOrANegativeTimeAreNamed() {
        try (ExternalRnn fake = start("short")) {
            ExternalProcessException error = assertThrows(ExternalProcessException.class, () -> fake.timeOwnCalls(SPEC,
                    CASE.parameters(), CASE.batch(), TimedCall.FORWARD, 0, 3));
            assertTrue(error.getMessage().contains("without \"seconds\" (an array of 3 numbers)"), error.getMessage());
        }
        try (ExternalRnn fake = start("negative")) {
            ExternalProcessException error = assertThrows(ExternalProcessException.class, () -> fake.timeOwnCalls(SPEC,
                    CASE.parameters(), CASE.batch(), TimedCall.FORWARD, 0, 2));
            assertTrue(error.getMessage().contains("not a positive number of seconds: -0.001"), error.getMessage());
        }
    }

    private static ExternalRnn start(String mode) {
        try {
            Path script = Path.of(BenchRequestTest.class.getResource("bench_fake.py").toURI());
            return ExternalRnn.start("cmd:" + PYTHON + " " + script + " " + mode, Duration.ofSeconds(60));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path root() {
        for (Path path = Path.of("").toAbsolutePath(); path != null; path = path.getParent()) {
            if (Files.isRegularFile(path.resolve("examples/protocol.py"))) {
                return path;
            }
        }
        throw new IllegalStateException("examples/protocol.py not found above " + Path.of("").toAbsolutePath());
    }
}
