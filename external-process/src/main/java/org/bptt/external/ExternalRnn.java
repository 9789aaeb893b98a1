package org.bptt.external;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.bptt.api.Batch;
import org.bptt.api.Capability;
import org.bptt.api.Case;
import org.bptt.api.ForwardResult;
import org.bptt.api.GradientResult;
import org.bptt.api.InvalidInputException;
import org.bptt.api.PluginFailureException;
import org.bptt.api.ModelSpec;
import org.bptt.api.OwnCallTimes;
import org.bptt.api.OwnCallTiming;
import org.bptt.api.Parameters;
import org.bptt.api.PluginInfo;
import org.bptt.api.RnnImplementation;
import org.bptt.api.Truncation;
import org.bptt.json.CaseCodec;

/**
 * An implementation in another process, {@code cmd:COMMAND}: the command is started once and spoken to with the
 * line protocol of {@code external-process/PROTOCOL.md} (one JSON request per line on its stdin, one JSON answer
 * per line on its stdout; cases and results in the JSON of {@link CaseCodec}).
 *
 * <p>The hello settles the protocol version: it is sent as version 1 (it is the same in every version, so a program
 * of any version answers it) with the versions this plugin speaks ({@code "protocols"}, 1 to {@link #PROTOCOL_VERSION});
 * the program answers with the version it chose, {@code "protocol": N} (none: 1, a program written for version 1).
 * Every later request carries that version, and its case is in {@link CaseCodec}'s form of the same number.
 *
 * <p>Each failure of a call is an {@link ExternalProcessException} naming the command, the call, the case and what
 * went wrong, so the harness reports that case as a plugin error and goes on: the process could not be (re)started,
 * it exited (with its exit code and the last {@value #STDERR_LINES} lines of its stderr), it printed a line that is
 * not an answer (quoted, at most {@value #QUOTE_LENGTH} characters), it answered another request's id, it answered
 * with shapes that do not fit the case, it refused the case ({@code "ok": false}), or it did not answer within the
 * call timeout. After an exit, a timeout, an interrupt (the verifier's own {@code --timeout} interrupts the call),
 * or a line that breaks the protocol, the process is killed with every process it started, and the next call starts
 * it again. At JVM exit, or {@link #close()}, it is killed too.
 *
 * <p>Calls are serialised: one request is in flight at a time.
 *
 * <p>For {@code bptt bench}, {@link #timeOwnCalls} sends the {@code bench} request: the program times its own calls
 * on the case, so that the protocol's JSON and pipes are not in its figures.
 */
public final class ExternalRnn implements RnnImplementation, OwnCallTiming, AutoCloseable {

    /** The id prefix. */
    public static final String PREFIX = "cmd:";

    /** The newest protocol version this plugin speaks; it speaks every version from 1 up to this one. */
    public static final int PROTOCOL_VERSION = 2;

    /** The version the hello is sent as: the hello is the same in every version, and every program answers it. */
    private static final int HELLO_PROTOCOL = 1;

    /** The system property with the call timeout in seconds ({@value #DEFAULT_TIMEOUT_SECONDS} when unset). */
    public static final String TIMEOUT_PROPERTY = "bptt.external.timeout";

    public static final int DEFAULT_TIMEOUT_SECONDS = 60;

    /** How many of the last stderr lines an error message quotes. */
    public static final int STDERR_LINES = 50;

    /** How many characters of a line that is not an answer an error message quotes. */
    public static final int QUOTE_LENGTH = 200;

    /** How long an ended process may take to report its exit code, and a closed one to exit by itself. */
    private static final Duration EXIT_GRACE = Duration.ofSeconds(2);

    private final String id;
    private final String command;
    private final List<String> words;
    private final Duration timeout;
    /** Where the process runs (and every restart of it); null: the JVM's working directory. */
    private final Path workingDirectory;
    /** True once the program has answered a hello: from then on a failed process restarts for the next call. */
    private volatile boolean answeredHello;

    /** From the first hello; volatile, not guarded: read while a call may hold the lock. */
    private volatile PluginInfo info;
    private volatile Set<Capability> capabilities;
    /** The protocol version the program chose at its first hello (in {@link #start}). */
    private int protocol;
    /** The running process, or null before the first start and after a kill. */
    private ChildProcess child;
    private long lastRequestId;

    private ExternalRnn(String id, List<String> words, Duration timeout, Path workingDirectory) {
        this.id = id;
        this.command = id.substring(PREFIX.length()).trim();
        this.words = words;
        this.timeout = timeout;
        this.workingDirectory = workingDirectory;
    }

    /**
     * Starts {@code cmd:COMMAND} and asks who it is ({@code hello}).
     *
     * @param id      {@code cmd:} followed by the command line (split like a shell would, see {@link CommandWords})
     * @param timeout the longest one call may wait for an answer
     * @throws InvalidInputException when the command is malformed, cannot be started, or does not answer the hello
     */
    public static ExternalRnn start(String id, Duration timeout) {
        return start(id, timeout, null);
    }

    /**
     * {@link #start(String, Duration)} with the process (and every restart of it) running in
     * {@code workingDirectory}: what it writes without a path lands there, and a relative program path
     * ({@code ./run.sh}) is found there. {@code bptt class} gives each student's program its own.
     *
     * @param workingDirectory an existing folder, or null for the JVM's working directory
     * @throws InvalidInputException when the command is malformed, the folder does not exist, the program cannot be
     *                               started, or does not answer the hello
     */
    public static ExternalRnn start(String id, Duration timeout, Path workingDirectory) {
        InvalidInputException.require(id != null && id.startsWith(PREFIX), "an external implementation's id starts with %s, got '%s'", PREFIX, id);
        InvalidInputException.require(!timeout.isNegative() && !timeout.isZero(), "the call timeout must be positive, got %s", timeout);
        InvalidInputException.require(workingDirectory == null || Files.isDirectory(workingDirectory),
                "%s: the working folder %s is not a folder", id, workingDirectory);
        ExternalRnn rnn = new ExternalRnn(id, CommandWords.split(id.substring(PREFIX.length())), timeout, workingDirectory);
        try {
            rnn.ensureRunning("hello");
        } catch (ExternalProcessException e) {
            // A program that cannot start or exits at once is a mistake in the command or its setup (exit 2); one
            // that runs and answers the hello with garbage is a failing plugin (exit 1). Either way nothing can run.
            if (e.brokeProtocol()) {
                throw new PluginFailureException(e.getMessage());
            }
            throw new InvalidInputException(e.getMessage());
        }
        return rnn;
    }

    /** The call timeout from {@value #TIMEOUT_PROPERTY}, in seconds, or the default. */
    public static Duration timeoutFromProperty() {
        String value = System.getProperty(TIMEOUT_PROPERTY);
        if (value == null || value.isBlank()) {
            return Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);
        }
        double seconds;
        try {
            seconds = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            seconds = Double.NaN;
        }
        InvalidInputException.require(seconds > 0 && Double.isFinite(seconds),
                "-D%s=%s: the call timeout must be a positive number of seconds", TIMEOUT_PROPERTY, value);
        return Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)));
    }

    @Override
    public PluginInfo info() {
        return info;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public synchronized ForwardResult forward(ModelSpec spec, Parameters parameters, Batch batch) {
        String call = call("forward", spec, batch);
        JsonNode answer = exchange("forward", caseJson(spec, parameters, batch, null), call);
        ForwardResult result;
        try {
            result = CaseCodec.readForwardResult(answer, "result");
        } catch (InvalidInputException e) {
            throw failure(call, "answered with a result that does not fit the format (PROTOCOL.md): " + e.getMessage());
        }
        String problem = ResultShapes.forwardProblem(result, spec, batch, capabilities);
        if (problem != null) {
            throw failure(call, "answered with wrong shapes: " + problem + " (B=" + batch.batchSize() + ", T=" + batch.steps() + ")");
        }
        return result;
    }

    @Override
    public synchronized GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch) {
        return gradients(spec, parameters, batch, null);
    }

    /** Sent as {@code gradients} with the case's {@code truncation} set; only called when TRUNCATED_BPTT is declared. */
    @Override
    public synchronized GradientResult truncatedGradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
        return gradients(spec, parameters, batch, truncation);
    }

    private GradientResult gradients(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
        String call = call(truncation == null ? "gradients" : "gradients (truncated " + truncation + ")", spec, batch);
        JsonNode answer = exchange("gradients", caseJson(spec, parameters, batch, truncation), call);
        GradientResult result;
        try {
            result = CaseCodec.readGradientResult(answer, "result", spec);
        } catch (InvalidInputException e) {
            throw failure(call, "answered with a result that does not fit the format (PROTOCOL.md): " + e.getMessage());
        }
        String problem = ResultShapes.gradientProblem(result, spec, batch, capabilities);
        if (problem != null) {
            throw failure(call, "answered with wrong shapes: " + problem + " (B=" + batch.batchSize() + ", T=" + batch.steps() + ")");
        }
        return result;
    }

    /**
     * Sends the {@code bench} request (PROTOCOL.md): the program times its own {@code call} on the case,
     * {@code warmUps} untimed calls and then {@code repetitions} calls, each timed, and answers the times in seconds
     * with the threads it computed with. A program that does not implement it answers {@code "ok": false}, reported as
     * a failure of this call like any other.
     */
    @Override
    public synchronized OwnCallTimes timeOwnCalls(ModelSpec spec, Parameters parameters, Batch batch, TimedCall call,
                                                  int warmUps, int repetitions) {
        InvalidInputException.require(warmUps >= 0 && repetitions >= 1,
                "bench needs warmUps >= 0 and repetitions >= 1, got %d and %d", warmUps, repetitions);
        String callName = call == TimedCall.FORWARD ? "forward" : "forward+backward";
        String where = call("bench (" + callName + ", " + repetitions + " repetitions)", spec, batch);
        ensureRunning(where);
        ObjectNode request = request("bench");
        request.set("case", caseJson(spec, parameters, batch, null));
        request.put("call", callName);
        request.put("warmUps", warmUps);
        request.put("repetitions", repetitions);
        JsonNode result = exchange(request, where).get("result");
        JsonNode seconds = result == null ? null : result.get("seconds");
        JsonNode threads = result == null ? null : result.get("threads");
        if (seconds == null || !seconds.isArray() || seconds.size() != repetitions || threads == null
                || !threads.canConvertToInt() || threads.intValue() < 1) {
            throw failure(where, "answered the bench request without \"seconds\" (an array of " + repetitions
                    + " numbers) and \"threads\" (a positive integer) in its \"result\": "
                    + quote(String.valueOf(result)));
        }
        long[] nanos = new long[repetitions];
        for (int i = 0; i < repetitions; i++) {
            double value = seconds.get(i).asDouble(Double.NaN);
            if (!(value > 0) || !Double.isFinite(value)) {
                throw failure(where, "answered the bench request with a time that is not a positive number of seconds: "
                        + seconds.get(i));
            }
            nanos[i] = Math.max(1, Math.round(value * 1e9));
        }
        JsonNode how = result.get("how");
        return new OwnCallTimes(nanos, threads.intValue(), how != null && how.isTextual() ? how.textValue() : "");
    }

    /** Says {@code bye}, waits briefly for the process to exit, and kills what is left of it. */
    @Override
    public synchronized void close() {
        if (child != null) {
            try {
                child.send(request("bye").toString(), EXIT_GRACE);
            } catch (IOException | TimeoutException e) {
                // It has gone already, or does not read: it is killed below.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            child.close(EXIT_GRACE);
            child = null;
        }
    }

    /** The running process's pid, or empty when none runs (for tests). */
    synchronized OptionalInt pid() {
        return child != null && child.isAlive() ? OptionalInt.of((int) child.pid()) : OptionalInt.empty();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The protocol

    /** "forward of case tanh/per-step-softmax/bias/d4-H8-K5/sum, B=3, T=17": the call and case, for messages. */
    private static String call(String operation, ModelSpec spec, Batch batch) {
        return String.format(Locale.ROOT, "%s of case %s, B=%d, T=%d%s%s%s", operation, spec.label(), batch.batchSize(),
                batch.steps(), batch.mask() != null ? ", masked" : "", batch.initialState() != null ? ", with h_{-1}" : "",
                batch.initialCellState() != null ? ", with c_{-1}" : "");
    }

    /**
     * The case as the protocol sends it, in the form of the program's protocol version; its id names the spec and
     * sizes (the SPI does not pass the case's own id).
     */
    private ObjectNode caseJson(ModelSpec spec, Parameters parameters, Batch batch, Truncation truncation) {
        String caseId = spec.label().replace('/', '-') + "-B" + batch.batchSize() + "-T" + batch.steps();
        return CaseCodec.writeCase(new Case(caseId, "a call from bptt-harness", spec, parameters, batch, 0), truncation,
                protocol);
    }

    private ObjectNode request(String operation) {
        ObjectNode request = CaseCodec.mapper().createObjectNode();
        request.put("protocol", protocol);
        request.put("id", ++lastRequestId);
        request.put("op", operation);
        return request;
    }

    /** The hello request: sent as version 1, offering every version this plugin speaks. */
    private ObjectNode helloRequest() {
        ObjectNode request = CaseCodec.mapper().createObjectNode();
        request.put("protocol", HELLO_PROTOCOL);
        request.put("id", ++lastRequestId);
        request.put("op", "hello");
        ArrayNode offered = request.putArray("protocols");
        for (int version = 1; version <= PROTOCOL_VERSION; version++) {
            offered.add(version);
        }
        return request;
    }

    /** Starts the process and says hello when none runs. */
    private void ensureRunning(String call) {
        if (child != null && child.isAlive()) {
            return;
        }
        if (child != null) {
            child.kill();
            child = null;
        }
        try {
            child = ChildProcess.start(words, STDERR_LINES, workingDirectory);
        } catch (IOException e) {
            String folder = workingDirectory != null ? workingDirectory.toString() : System.getProperty("user.dir");
            throw new ExternalProcessException(PREFIX + command + ": " + call + ": cannot start " + words.get(0) + ": "
                    + e.getMessage() + " (the command runs in " + folder + ", without a shell)");
        }
        try {
            readHello(exchange(helloRequest(), "hello (before " + call + ")"), call);
            answeredHello = true;
        } catch (ExternalProcessException e) {
            if (child != null) { // it refused the hello: it cannot be used
                child.kill();
                child = null;
            }
            throw e;
        }
    }

    /**
     * Takes name, version, capabilities and protocol version from the hello answer; a restarted process must declare
     * the same.
     */
    private void readHello(JsonNode hello, String call) {
        String where = "hello (before " + call + ")";
        JsonNode name = hello.get("name");
        if (name == null || !name.isTextual() || name.textValue().isBlank()) {
            throw badHello(where, "answered the hello without a \"name\" string", hello.toString());
        }
        JsonNode version = hello.get("version");
        JsonNode declared = hello.get("capabilities");
        if (declared == null || !declared.isArray()) {
            throw badHello(where, "answered the hello without a \"capabilities\" array", hello.toString());
        }
        Set<Capability> found = EnumSet.noneOf(Capability.class);
        for (JsonNode capability : declared) {
            try {
                found.add(Capability.valueOf(capability.asText()));
            } catch (IllegalArgumentException e) {
                throw badHello(where, "declared the unknown capability " + capability + "; known are "
                        + List.of(Capability.values()), hello.toString());
            }
        }
        if (capabilities != null && !capabilities.equals(found)) {
            throw badHello(where, "declared other capabilities after a restart: " + found + " instead of " + capabilities,
                    hello.toString());
        }
        JsonNode chosen = hello.get("protocol");
        if (chosen != null && !(chosen.isIntegralNumber() && chosen.canConvertToInt() && chosen.intValue() >= 1
                && chosen.intValue() <= PROTOCOL_VERSION)) {
            throw badHello(where, "answered the hello with protocol " + chosen + ", but bptt speaks versions 1 to "
                    + PROTOCOL_VERSION, hello.toString());
        }
        int chosenVersion = chosen == null ? 1 : chosen.intValue();
        if (info != null && protocol != chosenVersion) {
            throw badHello(where, "chose protocol " + chosenVersion + " after a restart instead of " + protocol,
                    hello.toString());
        }
        if (info == null) {
            protocol = chosenVersion;
            info = new PluginInfo(id, name.textValue(), version != null && version.isTextual() ? version.textValue() : null,
                    "external process", "runs `" + command + "` and speaks the cmd: line protocol " + protocol);
            capabilities = java.util.Collections.unmodifiableSet(found);
        }
    }

    /** Sends a request with {@code case} for {@code operation} and returns the answer's {@code result}. */
    private JsonNode exchange(String operation, ObjectNode caseNode, String call) {
        ensureRunning(call);
        ObjectNode request = request(operation);
        request.set("case", caseNode);
        JsonNode answer = exchange(request, call);
        JsonNode result = answer.get("result");
        if (result == null || !result.isObject()) {
            throw failure(call, "answered \"ok\": true without a \"result\" object: " + quote(answer.toString()));
        }
        return result;
    }

    /** Sends {@code request} to the running process and returns its answer, an object with the same id and ok true. */
    private JsonNode exchange(ObjectNode request, String call) {
        long requestId = request.get("id").longValue();
        long deadline = System.nanoTime() + timeout.toNanos();
        String line;
        try {
            child.send(CaseCodec.mapper().writeValueAsString(request), timeout);
            line = child.receive(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (IOException e) {
            throw ended(call, "closed its input (" + e.getMessage() + ")");
        } catch (TimeoutException e) {
            throw killed(call, "did not answer within " + seconds(timeout) + " (the call timeout, -D" + TIMEOUT_PROPERTY
                    + "=SECONDS); it was killed" + afterwards());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw killed(call, "was interrupted while waiting for the answer (the caller's timeout); it was killed"
                    + afterwards());
        }
        if (line == null) {
            throw ended(call, "closed its output before answering");
        }
        JsonNode answer;
        try {
            answer = CaseCodec.mapper().readTree(line);
        } catch (JsonProcessingException e) {
            throw breakProtocol(call, "printed a line that is not JSON (print messages for humans to stderr)", line);
        }
        if (answer == null || !answer.isObject() || answer.get("id") == null || !answer.get("id").canConvertToLong()
                || answer.get("ok") == null || !answer.get("ok").isBoolean()) {
            throw breakProtocol(call, "printed JSON that is not an answer (an object with \"id\" and \"ok\")", line);
        }
        if (answer.get("id").longValue() != requestId) {
            throw breakProtocol(call, "answered request id " + answer.get("id") + " to request id " + requestId, line);
        }
        if (!answer.get("ok").booleanValue()) {
            JsonNode error = answer.get("error");
            throw failure(call, "refused the case (\"ok\": false): " + (error == null ? "no \"error\" given" : error.asText()));
        }
        return answer;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Errors

    private ExternalProcessException failure(String call, String what) {
        return new ExternalProcessException(PREFIX + command + ": " + call + ": " + what);
    }

    /** The process has ended (or is ending): its exit code and stderr. */
    private ExternalProcessException ended(String call, String what) {
        OptionalInt code = child.exitCode(EXIT_GRACE);
        String tail = child.stderrTail();
        child.kill();
        child = null;
        String exit = code.isEmpty() ? "it still runs and was killed"
                : code.getAsInt() > 128 ? "it was killed by signal " + (code.getAsInt() - 128) + " (exit code " + code.getAsInt() + ")"
                : "it exited with code " + code.getAsInt();
        return failure(call, what + ": " + exit + (answeredHello ? "; it restarts for the next call"
                : "; it never answered the hello, so bptt cannot use it") + stderr(tail));
    }

    private ExternalProcessException killed(String call, String what) {
        String tail = child.stderrTail();
        child.kill();
        child = null;
        return failure(call, what + stderr(tail));
    }

    /** A line that breaks the protocol: the exchange is out of step, so the process is killed and restarted. */
    private ExternalProcessException breakProtocol(String call, String what, String line) {
        String tail = child.stderrTail();
        child.kill();
        child = null;
        return new ExternalProcessException(PREFIX + command + ": " + call + ": " + what + ": " + quote(line)
                + "; it was killed" + afterwards() + stderr(tail), true);
    }

    /**
     * A hello answer in the protocol's form whose content bptt cannot use (no name, unknown capabilities, a protocol
     * version it does not speak): a mismatch of program and bptt, as a program that cannot start, not garbage.
     */
    private ExternalProcessException badHello(String call, String what, String line) {
        ExternalProcessException broken = breakProtocol(call, what, line);
        return new ExternalProcessException(broken.getMessage(), false);
    }

    /** What happens after the process was killed: it restarts, unless it never answered a hello. */
    private String afterwards() {
        return answeredHello ? " and restarts for the next call" : ", and bptt stops: a program that does not answer its"
                + " first hello cannot be verified";
    }

    private static String stderr(String tail) {
        return tail.isEmpty() ? "; its stderr is empty" : "; its stderr ends with:\n" + tail;
    }

    private static String quote(String line) {
        return "'" + (line.length() > QUOTE_LENGTH ? line.substring(0, QUOTE_LENGTH) + "' ... (" + line.length() + " characters)" : line + "'");
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
