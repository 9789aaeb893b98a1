package org.bptt.external;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.Head;
import org.bptt.api.InvalidInputException;
import org.bptt.api.PluginFailureException;
import org.bptt.api.ModelSpec;
import org.bptt.api.ParameterNames;
import org.bptt.core.cases.CaseGenerator;
import org.bptt.core.plugins.LoadedPlugin;
import org.bptt.core.plugins.PluginRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The cmd: plugin against fake_rnn.py, which answers every case correctly except the "poison" case (B = 2), which
 * it answers the way its mode says: each way of going wrong must give its own clear error naming the command and
 * the case, and the next case must work again.
 */
@EnabledOnOs(OS.LINUX)
class ExternalRnnTest {

    private static final String PYTHON = "/usr/bin/python3";
    private static final ModelSpec SPEC = ModelSpec.of(3, 4, 3);
    /** Answered as the fake's mode says. */
    private static final Case POISON = CaseGenerator.generate("poison", SPEC, 2, 4, false, false, 7);
    /** Answered correctly by every mode. */
    private static final Case GOOD = CaseGenerator.generate("good", SPEC, 1, 5, false, false, 8);
    private static final String POISON_CALL = "forward of case tanh/per-step-softmax/bias/d3-H4-K3/sum, B=2, T=4";

    private static String command(String mode) {
        try {
            Path script = Path.of(ExternalRnnTest.class.getResource("fake_rnn.py").toURI());
            return PYTHON + " " + script + " " + mode;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ExternalRnn start(String mode, Duration timeout) {
        return ExternalRnn.start("cmd:" + command(mode), timeout);
    }

    private static ExternalRnn start(String mode) {
        return start(mode, Duration.ofSeconds(60));
    }

    private static ForwardResult forward(ExternalRnn rnn, Case testCase) {
        return rnn.forward(testCase.spec(), testCase.parameters(), testCase.batch());
    }

    /** The poison case's error message, after checking that it names the command and the call. */
    private static String poisonError(ExternalRnn rnn, String mode) {
        ExternalProcessException error = assertThrows(ExternalProcessException.class, () -> forward(rnn, POISON));
        String message = error.getMessage();
        assertTrue(message.startsWith("cmd:" + command(mode) + ": " + POISON_CALL + ": "), message);
        return message;
    }

    /** The run goes on: the next case is answered correctly (the loss is the sum of its inputs, see fake_rnn.py). */
    private static void assertGoodCaseWorks(ExternalRnn rnn) {
        assertEquals(sum(GOOD.batch().inputs().data()), forward(rnn, GOOD).loss(), 1e-12);
    }

    private static double sum(double[] values) {
        double total = 0;
        for (double value : values) {
            total += value;
        }
        return total;
    }

    @Test
    void aCorrectAnswerComesBackWithTheCaseIntact() {
        try (ExternalRnn rnn = start("ok")) {
            assertEquals("cmd:" + command("ok"), rnn.info().id());
            assertEquals("fake ok", rnn.info().name());
            assertEquals(EnumSet.of(Capability.TANH, Capability.PER_STEP_SOFTMAX, Capability.LAST_STEP_SOFTMAX,
                    Capability.BIASES, Capability.NO_BIASES, Capability.FLOAT64), rnn.capabilities());
            ForwardResult forward = forward(rnn, POISON);
            // The fake sums the inputs it received: the case went through JSON and back without a change.
            assertEquals(sum(POISON.batch().inputs().data()), forward.loss(), 1e-12);
            assertArrayEquals(new int[] {2, 4, 3}, forward.outputs().shape());
            assertEquals(1.0 / 3, forward.outputs().get(1, 3, 2), 0);
            assertNull(forward.hiddenStates());
            GradientResult gradients = rnn.gradients(GOOD.spec(), GOOD.parameters(), GOOD.batch());
            assertArrayEquals(new int[] {4, 3}, gradients.parameterGradients().get(ParameterNames.U).shape());
            assertArrayEquals(new int[] {3}, gradients.parameterGradients().get(ParameterNames.C).shape());
            ModelSpec lastStep = SPEC.withHead(Head.LAST_STEP_SOFTMAX).withBiases(false);
            Case many2one = CaseGenerator.generate("m2o", lastStep, 3, 2, false, false, 9);
            assertArrayEquals(new int[] {3, 3}, forward(rnn, many2one).outputs().shape());
            assertNull(rnn.gradients(lastStep, many2one.parameters(), many2one.batch()).parameterGradients().get(ParameterNames.B));
        }
    }

    /** fake_rnn.py refuses ("ok": false) a request that is not in the form of the protocol version it chose. */
    @Test
    void aProgramGetsCasesInTheFormOfTheProtocolVersionItChose() {
        ModelSpec noBiases = SPEC.withBiases(false);
        Case withoutBiases = CaseGenerator.generate("no-biases", noBiases, 1, 3, false, false, 10);
        for (int version : new int[] {1, 2}) {
            String mode = version == 1 ? "ok" : "v2";
            try (ExternalRnn rnn = start(mode)) {
                assertTrue(rnn.info().description().endsWith("protocol " + version), rnn.info().description());
                assertGoodCaseWorks(rnn);
                GradientResult gradients = rnn.gradients(noBiases, withoutBiases.parameters(), withoutBiases.batch());
                assertEquals(sum(withoutBiases.batch().inputs().data()), gradients.loss(), 1e-12);
                assertEquals(List.of("U", "W", "V"), List.copyOf(gradients.parameterGradients().byName().keySet()));
            }
        }
    }

    @Test
    void aProgramChoosingAProtocolVersionBpttDoesNotSpeakIsAUserError() {
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> start("hello-v3"));
        assertTrue(error.getMessage().contains("answered the hello with protocol 3, but bptt speaks versions 1 to 2"),
                error.getMessage());
    }

    @Test
    void aCrashIsReportedWithItsStderrAndTheProcessRestarts() {
        try (ExternalRnn rnn = start("crash")) {
            int firstPid = rnn.pid().orElseThrow();
            String message = poisonError(rnn, "crash");
            assertTrue(message.contains("closed its output before answering: it exited with code 1; it restarts for the next call"), message);
            assertTrue(message.contains("RuntimeError: the fake crashes on B = 2"), message);
            assertGoodCaseWorks(rnn);
            assertNotEquals(firstPid, rnn.pid().orElseThrow());
        }
    }

    @Test
    void aNonZeroExitIsReportedWithItsCode() {
        try (ExternalRnn rnn = start("exit3")) {
            String message = poisonError(rnn, "exit3");
            assertTrue(message.contains("it exited with code 3"), message);
            assertTrue(message.endsWith("its stderr ends with:\ngiving up"), message);
            assertGoodCaseWorks(rnn);
        }
    }

    @Test
    void aLineThatIsNotJsonIsQuoted() {
        try (ExternalRnn rnn = start("garbage")) {
            String message = poisonError(rnn, "garbage");
            assertTrue(message.contains("printed a line that is not JSON (print messages for humans to stderr): "
                    + "'loss is 0.25, I think'; it was killed and restarts for the next call"), message);
            assertGoodCaseWorks(rnn);
        }
    }

    @Test
    void jsonWithoutTheProtocolsFieldsIsQuoted() {
        try (ExternalRnn rnn = start("not-an-answer")) {
            String message = poisonError(rnn, "not-an-answer");
            assertTrue(message.contains("printed JSON that is not an answer (an object with \"id\" and \"ok\"): '{\"loss\": 0.25}'"), message);
            assertGoodCaseWorks(rnn);
        }
    }

    @Test
    void anAnswerToAnotherRequestIsRefused() {
        try (ExternalRnn rnn = start("wrong-id")) {
            // Request 1 is the hello, so the poison case is request 2 and the fake answers it as request 3.
            String message = poisonError(rnn, "wrong-id");
            assertTrue(message.contains("answered request id 3 to request id 2: '{\"id\": 3, \"ok\": true"), message);
            assertGoodCaseWorks(rnn);
        }
    }

    @Test
    void wrongShapesAreNamed() {
        try (ExternalRnn rnn = start("wrong-shape")) {
            String message = poisonError(rnn, "wrong-shape");
            assertTrue(message.endsWith("answered with wrong shapes: outputs has shape [2, 4, 4]; expected [B, T, K] = [2, 4, 3] (B=2, T=4)"), message);
            assertGoodCaseWorks(rnn);
        }
    }

    @Test
    void aRefusalCarriesTheImplementationsReason() {
        try (ExternalRnn rnn = start("refuse")) {
            int pid = rnn.pid().orElseThrow();
            String message = poisonError(rnn, "refuse");
            assertTrue(message.endsWith("refused the case (\"ok\": false): B = 2 is not supported"), message);
            assertGoodCaseWorks(rnn);
            assertEquals(pid, rnn.pid().orElseThrow(), "a refusal keeps the process");
        }
    }

    @Test
    void aHangIsKilledAfterTheTimeoutAndTheProcessRestarts() {
        try (ExternalRnn rnn = start("sleep", Duration.ofSeconds(1))) {
            int firstPid = rnn.pid().orElseThrow();
            String message = poisonError(rnn, "sleep");
            assertTrue(message.contains("did not answer within 1 s (the call timeout, -Dbptt.external.timeout=SECONDS); "
                    + "it was killed and restarts for the next call"), message);
            assertGoodCaseWorks(rnn);
            assertNotEquals(firstPid, rnn.pid().orElseThrow());
        }
    }

    @Test
    @Timeout(60) // a safety net: without the write timeout this test would hang
    void aProgramThatStopsReadingTimesOutEvenWhileTheRequestIsBeingWritten() {
        // About 250 kB of JSON: more than a pipe holds, so the write itself blocks.
        Case large = CaseGenerator.generate("large", ModelSpec.of(64, 4, 3), 2, 128, false, false, 10);
        try (ExternalRnn rnn = start("deaf", Duration.ofSeconds(1))) {
            ExternalProcessException error = assertThrows(ExternalProcessException.class, () -> forward(rnn, large));
            assertTrue(error.getMessage().contains("did not answer within 1 s"), error.getMessage());
        }
    }

    @Test
    void anInterruptedCallKillsTheProcessAndTheNextCallRestartsIt() {
        // The verifier interrupts a call that passes its --timeout: the plugin must let go at once.
        try (ExternalRnn rnn = start("sleep")) {
            Thread.currentThread().interrupt();
            String message;
            try {
                message = poisonError(rnn, "sleep");
            } finally {
                assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
            }
            assertTrue(message.contains("was interrupted while waiting for the answer (the caller's timeout); it was killed"), message);
            assertGoodCaseWorks(rnn);
        }
    }

    @Test
    void aKillTakesTheProcessesItStartedWithIt() throws Exception {
        try (ExternalRnn rnn = start("spawn-sleep", Duration.ofSeconds(2))) {
            String message = poisonError(rnn, "spawn-sleep");
            Matcher grandchild = Pattern.compile("grandchild (\\d+)").matcher(message);
            assertTrue(grandchild.find(), message);
            long pid = Long.parseLong(grandchild.group(1));
            ProcessHandle.of(pid).ifPresent(handle -> handle.onExit().orTimeout(10, TimeUnit.SECONDS).join());
            assertTrue(!running(pid), "grandchild " + pid + " still runs");
        }
    }

    /** Alive and not a zombie (a killed orphan stays a zombie until something reaps it). */
    private static boolean running(long pid) throws IOException {
        Path stat = Path.of("/proc/" + pid + "/stat");
        if (!Files.exists(stat)) {
            return false;
        }
        String text = Files.readString(stat);
        return !text.substring(text.lastIndexOf(')') + 2).startsWith("Z");
    }

    @Test
    void closeEndsTheProcess() {
        ExternalRnn rnn = start("ok");
        long pid = rnn.pid().orElseThrow();
        rnn.close();
        assertEquals(OptionalInt.empty(), rnn.pid());
        ProcessHandle.of(pid).ifPresent(handle -> handle.onExit().orTimeout(10, TimeUnit.SECONDS).join());
    }

    @Test
    void aCommandThatCannotStartIsAUserError() {
        InvalidInputException error = assertThrows(InvalidInputException.class,
                () -> ExternalRnn.start("cmd:/no/such/program --fast", Duration.ofSeconds(5)));
        assertTrue(error.getMessage().startsWith("cmd:/no/such/program --fast: hello: cannot start /no/such/program: "), error.getMessage());
        assertTrue(error.getMessage().contains("No such file or directory"), error.getMessage());
    }

    @Test
    void aProgramThatDiesAtTheHelloIsAUserErrorWithItsStderr() {
        InvalidInputException error = assertThrows(InvalidInputException.class, () -> start("hello-exit"));
        assertTrue(error.getMessage().contains("hello (before hello): closed its output before answering: it exited with code 4"), error.getMessage());
        assertTrue(error.getMessage().endsWith("its stderr ends with:\nno torch here"), error.getMessage());
    }

    @Test
    void garbageInAnswerToTheFirstHelloIsAFailingPluginThatSaysTheRunStops() {
        PluginFailureException error = assertThrows(PluginFailureException.class, () -> start("hello-garbage"));
        assertTrue(error.getMessage().contains("printed a line that is not JSON (print messages for humans to stderr): "
                + "'Hello! I am an RNN.'; it was killed, and bptt stops"), error.getMessage());
        assertFalse(error.getMessage().contains("restarts"), "it does not restart: " + error.getMessage());
    }

    @Test
    void theRegistryResolvesCmdIdsThroughTheFactoryOnce() {
        PluginRegistry registry = PluginRegistry.discover();
        String id = "cmd:" + command("ok");
        LoadedPlugin plugin = registry.require(id);
        try {
            assertEquals(id, plugin.id());
            assertTrue(plugin.source().contains("ExternalRnnFactory"), plugin.source());
            assertSame(plugin, registry.require(id), "one process per id and registry");
            assertTrue(registry.plugins().stream().noneMatch(found -> found.id().equals(id)));
        } finally {
            ((ExternalRnn) plugin.implementation()).close();
        }
        InvalidInputException unknown = assertThrows(InvalidInputException.class, () -> registry.require("no-such-rnn"));
        assertTrue(unknown.getMessage().endsWith("; or cmd:COMMAND: an implementation in another process (external-process/PROTOCOL.md)"),
                unknown.getMessage());
        InvalidInputException broken = assertThrows(InvalidInputException.class, () -> registry.require("cmd:'unclosed"));
        assertEquals("command ''unclosed': the quote ' at position 0 is not closed", broken.getMessage());
    }
}
