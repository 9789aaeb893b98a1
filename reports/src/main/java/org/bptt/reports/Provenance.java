package org.bptt.reports;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bptt.core.plugins.LoadedPlugin;

/**
 * What produced a run's results, written as {@code run.json} next to its tables and charts: the command line, the
 * tool and plugin versions, seeds, suite, tolerance policy, git commit, and the machine. The machine matters to
 * anyone comparing numbers: {@code Math} (unlike {@code StrictMath}) may differ across architectures and Java
 * versions, and so may {@code Double.toString}'s digits.
 *
 * <p>Maps keep their insertion order in the JSON; give them in a stable order. {@link #end} is null while the run is
 * still going (run.json is written at the start and again at the end, so an interrupted run still says what it
 * was).
 *
 * @param commandLine  the arguments the tool was started with
 * @param toolVersion  bptt-harness's version
 * @param plugins      every implementation that took part, oracle included
 * @param seeds        the seeds the cases were generated from
 * @param suite        the suite's name (or a description of the cases)
 * @param tolerance    the tolerance policy's terms, e.g. {@code float64.relative -> 1e-10}
 * @param gitCommit    {@code git rev-parse HEAD} of the working directory, or {@value #UNKNOWN}
 * @param javaVersion  {@code java.version}
 * @param javaVendor   {@code java.vendor}
 * @param osName       {@code os.name}
 * @param osVersion    {@code os.version}
 * @param osArch       {@code os.arch}
 * @param cpuModel     /proc/cpuinfo's first "model name", or {@value #UNKNOWN}
 * @param cores        {@link Runtime#availableProcessors()}
 * @param start        when the run started
 * @param end          when it ended, or null while it runs
 * @param extra        anything else worth recording (a command's options, dataset hashes, ...)
 */
public record Provenance(List<String> commandLine, String toolVersion, List<PluginVersion> plugins, List<Long> seeds,
                         String suite, Map<String, String> tolerance, String gitCommit, String javaVersion,
                         String javaVendor, String osName, String osVersion, String osArch, String cpuModel, int cores,
                         Instant start, Instant end, Map<String, String> extra) {

    /** What an unavailable fact is recorded as. */
    public static final String UNKNOWN = "unknown";

    /** The file name provenance is written to in each run folder. */
    public static final String FILE_NAME = "run.json";

    /**
     * One plugin that took part.
     *
     * @param id      its id, e.g. {@code dl4j-simplernn}
     * @param version its version (for a library adapter, the library's)
     * @param source  where it was loaded from: a jar path, "classpath", or an external command
     */
    public record PluginVersion(String id, String version, String source) {

        /** The plugin as the registry loaded it. */
        public static PluginVersion of(LoadedPlugin plugin) {
            return new PluginVersion(plugin.id(), plugin.info().version(), plugin.source());
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new SimpleModule("instant-as-iso-8601")
                    .addSerializer(Instant.class, new InstantSerializer())
                    .addDeserializer(Instant.class, new InstantDeserializer()))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public Provenance {
        commandLine = List.copyOf(commandLine == null ? List.of() : commandLine);
        toolVersion = orUnknown(toolVersion);
        plugins = List.copyOf(plugins == null ? List.of() : plugins);
        seeds = List.copyOf(seeds == null ? List.of() : seeds);
        suite = suite == null ? "" : suite;
        tolerance = orderedCopy(tolerance);
        gitCommit = orUnknown(gitCommit);
        javaVersion = orUnknown(javaVersion);
        javaVendor = orUnknown(javaVendor);
        osName = orUnknown(osName);
        osVersion = orUnknown(osVersion);
        osArch = orUnknown(osArch);
        cpuModel = orUnknown(cpuModel);
        extra = orderedCopy(extra);
    }

    /**
     * Provenance of a run starting now on this machine: the JVM, OS, CPU and git commit are read here (the commit
     * of {@code workingDirectory}; any failure to read it gives {@value #UNKNOWN}, never an exception).
     */
    public static Provenance capture(List<String> commandLine, String toolVersion, List<PluginVersion> plugins,
                                     List<Long> seeds, String suite, Map<String, String> tolerance,
                                     Map<String, String> extra, Path workingDirectory, Instant start) {
        return new Provenance(commandLine, toolVersion, plugins, seeds, suite, tolerance, gitCommit(workingDirectory),
                System.getProperty("java.version"), System.getProperty("java.vendor"),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                cpuModel(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors(), start, null, extra);
    }

    /** The same provenance with the run's end time set. */
    public Provenance withEnd(Instant value) {
        return new Provenance(commandLine, toolVersion, plugins, seeds, suite, tolerance, gitCommit, javaVersion,
                javaVendor, osName, osVersion, osArch, cpuModel, cores, start, value, extra);
    }

    /** The extra entry of a verifying run's wall time from its start to its end, in seconds. */
    public static final String WALL_TIME_SECONDS = "wallTimeSeconds";
    /** The extra entry of a verifying run's pace: case × implementation results per second of wall time. */
    public static final String CASES_PER_SECOND = "casesPerSecond";

    /**
     * The same provenance with the run's pace: its wall time from start to end ({@value #WALL_TIME_SECONDS}) and
     * {@code cases} (case × implementation results) per second of it ({@value #CASES_PER_SECOND}).
     *
     * @throws IllegalStateException when the run has not ended
     */
    public Provenance withPace(long cases) {
        if (end == null) {
            throw new IllegalStateException("a run's pace needs its end");
        }
        double seconds = java.time.Duration.between(start, end).toNanos() / 1e9;
        return withExtra(WALL_TIME_SECONDS, String.format(java.util.Locale.ROOT, "%.3f", seconds))
                .withExtra(CASES_PER_SECOND, String.format(java.util.Locale.ROOT, "%.1f", seconds > 0 ? cases / seconds : 0.0));
    }

    /** The same provenance with one more extra entry (replacing an entry of the same key). */
    public Provenance withExtra(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(extra);
        more.put(key, value);
        return new Provenance(commandLine, toolVersion, plugins, seeds, suite, tolerance, gitCommit, javaVersion,
                javaVendor, osName, osVersion, osArch, cpuModel, cores, start, end, more);
    }

    /** Pretty-printed JSON with '\n' line ends, fields in the record's order. */
    public String toJson() {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        try {
            return JSON.writer(printer).writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write provenance as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads what {@link #toJson()} wrote.
     *
     * @throws IllegalArgumentException naming the problem when {@code json} is not provenance
     */
    public static Provenance fromJson(String json) {
        try {
            return JSON.readValue(json, Provenance.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid run.json: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads a run folder's {@value #FILE_NAME}. */
    public static Provenance readFrom(RunFolder run) throws IOException {
        return fromJson(Files.readString(run.resolve(FILE_NAME), StandardCharsets.UTF_8));
    }

    /**
     * The provenance as flat key/value pairs in a stable order, for Allure's environment widget and chart captions,
     * e.g. {@code plugin.dl4j-simplernn -> 1.0.0-M2.1 (plugins/dl4j.jar)}, {@code tolerance.float64.relative -> 1e-10}.
     */
    public Map<String, String> asProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("command", String.join(" ", commandLine));
        properties.put("tool.version", toolVersion);
        for (PluginVersion plugin : plugins) {
            properties.put("plugin." + plugin.id(), plugin.version() + " (" + plugin.source() + ")");
        }
        List<String> seedTexts = new ArrayList<>();
        seeds.forEach(seed -> seedTexts.add(Long.toString(seed)));
        properties.put("seeds", String.join(",", seedTexts));
        properties.put("suite", suite);
        tolerance.forEach((key, value) -> properties.put("tolerance." + key, value));
        properties.put("git.commit", gitCommit);
        properties.put("java", javaVersion + " (" + javaVendor + ")");
        properties.put("os", osName + " " + osVersion + " " + osArch);
        properties.put("cpu", cpuModel + ", " + cores + " cores");
        properties.put("start", start == null ? "" : start.toString());
        properties.put("end", end == null ? "" : end.toString());
        extra.forEach((key, value) -> properties.put("extra." + key, value));
        return properties;
    }

    /**
     * {@code git rev-parse HEAD} in {@code workingDirectory}: the commit, or {@value #UNKNOWN} when git is missing,
     * the directory is not a repository, it has no commit yet, or git takes more than ten seconds.
     */
    public static String gitCommit(Path workingDirectory) {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "HEAD")
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output;
            try (InputStream in = git.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (!git.waitFor(10, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                return UNKNOWN;
            }
            return git.exitValue() == 0 && output.matches("[0-9a-f]{40,64}") ? output : UNKNOWN;
        } catch (IOException e) {
            return UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNKNOWN;
        }
    }

    /**
     * The first processor's "model name" in a /proc/cpuinfo-format file, with its family, model and widest vector
     * extension when the file gives them (e.g. "AMD EPYC (family 26, model 2, AVX-512)"): a virtual machine's name
     * can be as bare as "AMD EPYC" on CPUs of different generations, whose vector units time the same code very
     * differently, and a baseline must not be compared across them unnoticed. {@value #UNKNOWN} without a model name
     * (e.g. not Linux).
     */
    public static String cpuModel(Path cpuinfo) {
        Map<String, String> firstProcessor = new LinkedHashMap<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(cpuinfo),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() && !firstProcessor.isEmpty()) {
                    break;
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    firstProcessor.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return UNKNOWN;
        }
        String model = firstProcessor.getOrDefault("model name", "");
        if (model.isEmpty()) {
            return UNKNOWN;
        }
        List<String> details = new ArrayList<>();
        if (firstProcessor.containsKey("cpu family")) {
            details.add("family " + firstProcessor.get("cpu family"));
        }
        if (firstProcessor.containsKey("model")) {
            details.add("model " + firstProcessor.get("model"));
        }
        List<String> flags = List.of(firstProcessor.getOrDefault("flags", "").split("\\s+"));
        if (flags.contains("avx512f")) {
            details.add("AVX-512");
        } else if (flags.contains("avx2")) {
            details.add("AVX2");
        }
        return details.isEmpty() ? model : model + " (" + String.join(", ", details) + ")";
    }

    private static String orUnknown(String value) {
        return value == null || value.isBlank() ? UNKNOWN : value;
    }

    private static Map<String, String> orderedCopy(Map<String, String> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** Instants as ISO-8601 text ({@link Instant#toString()}), without needing jackson-datatype-jsr310. */
    private static final class InstantSerializer extends StdScalarSerializer<Instant> {
        InstantSerializer() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider) throws IOException {
            generator.writeString(value.toString());
        }
    }

    private static final class InstantDeserializer extends StdScalarDeserializer<Instant> {
        InstantDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = parser.getValueAsString();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return (Instant) context.handleWeirdStringValue(Instant.class, text,
                        "not an ISO-8601 instant such as 2025-01-02T03:04:05Z");
            }
        }
    }
}
