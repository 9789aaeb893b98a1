package org.bptt.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvenanceTest {

    @TempDir
    Path temporary;

    static Provenance sample() {
        Map<String, String> tolerance = new LinkedHashMap<>();
        tolerance.put("float64.relative", "1.0E-10");
        tolerance.put("float64.ulps", "64");
        tolerance.put("float32.relative", "1.0E-4");
        return new Provenance(List.of("verify", "--suite", "smoke", "--seed", "42", "--out", "dir with spaces"),
                "0.1.0-SNAPSHOT",
                List.of(new Provenance.PluginVersion("reference-aggregated", "0.1.0-SNAPSHOT", "classpath"),
                        new Provenance.PluginVersion("dl4j", "1.0.0-M2.1", "plugins/dl4j-adapter.jar")),
                List.of(42L, -7L, Long.MAX_VALUE), "smoke", tolerance, "0123456789abcdef0123456789abcdef01234567",
                "17.0.15", "Debian", "Linux", "6.1.0", "amd64", "Intel(R) Xeon(R) \"Gold\" 6130", 2,
                Instant.parse("2025-01-02T03:04:05.123456789Z"), Instant.parse("2025-01-02T03:05:00Z"),
                Map.of("note", "ünïcödé, \"quoted\"\nline two"));
    }

    @Test
    void roundTripsThroughJson() {
        Provenance original = sample();
        Provenance copy = Provenance.fromJson(original.toJson());
        assertEquals(original, copy);
        assertEquals(original.toJson(), copy.toJson());
    }

    @Test
    void roundTripsARunThatHasNotEnded() {
        Provenance running = sample().withEnd(null);
        Provenance copy = Provenance.fromJson(running.toJson());
        assertNull(copy.end());
        assertEquals(running, copy);
    }

    @Test
    void writesTheFieldNamesThatColumnsMdDocuments() throws IOException {
        JsonNode json = new ObjectMapper().readTree(sample().toJson());
        List<String> names = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("commandLine", "toolVersion", "plugins", "seeds", "suite", "tolerance", "gitCommit",
                "javaVersion", "javaVendor", "osName", "osVersion", "osArch", "cpuModel", "cores", "start", "end",
                "extra"), names);
        assertEquals("2025-01-02T03:04:05.123456789Z", json.get("start").asText());
        assertEquals("plugins/dl4j-adapter.jar", json.get("plugins").get(1).get("source").asText());
        // Tolerance terms keep the order they were given in.
        assertEquals(List.of("float64.relative", "float64.ulps", "float32.relative"),
                iterate(json.get("tolerance").fieldNames()));
        String columns = Files.readString(Path.of("COLUMNS.md"));
        for (String name : names) {
            assertTrue(columns.contains("`" + name + "`"), "COLUMNS.md does not document run.json field " + name);
        }
    }

    @Test
    void writesAndReadsRunJsonInARunFolder() throws IOException {
        RunFolder run = RunFolder.create(temporary, "verify", RunFolderTest.CLOCK);
        new RunOutputs(run).writeProvenance(sample());
        assertEquals(sample(), Provenance.readFrom(run));
        assertEquals(List.of("run.json"), RunFolderTest.fileNames(run.path()));
    }

    @Test
    void rejectsJsonThatIsNotProvenance() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Provenance.fromJson("{\"commandLine\": [], \"start\": \"yesterday\"}"));
        assertTrue(error.getMessage().startsWith("not a valid run.json"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Provenance.fromJson("{\"surprise\": 1}"));
    }

    @Test
    void captureRecordsThisMachine() {
        Provenance captured = Provenance.capture(List.of("verify"), "0.1.0", List.of(), List.of(1L), "smoke",
                Map.of(), Map.of(), temporary, Instant.EPOCH);
        assertEquals(System.getProperty("java.version"), captured.javaVersion());
        assertEquals(System.getProperty("os.arch"), captured.osArch());
        assertEquals(Runtime.getRuntime().availableProcessors(), captured.cores());
        assertNotEquals("", captured.cpuModel());
        // A temporary folder is not a git repository: the commit is unknown, and nothing throws.
        assertEquals(Provenance.UNKNOWN, captured.gitCommit());
        assertNull(captured.end());
    }

    @Test
    void gitCommitIsUnknownForAFolderThatDoesNotExist() {
        assertEquals(Provenance.UNKNOWN, Provenance.gitCommit(temporary.resolve("missing")));
    }

    @Test
    void readsTheFirstProcessorsModelNameFamilyAndVectorExtension() throws IOException {
        Path cpuinfo = temporary.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel\t\t: 85\n"
                + "model name\t: Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz\n\nprocessor\t: 1\nmodel name\t: other\n");
        assertEquals("Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz (model 85)", Provenance.cpuModel(cpuinfo));
        // A bare virtual machine's name, told apart by family, model and vector extension (the first processor's).
        Files.writeString(cpuinfo, "processor\t: 0\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC\n"
                + "flags\t\t: fpu sse2 avx2 fma avx512f avx512dq\n\nprocessor\t: 1\ncpu family\t: 23\n");
        assertEquals("AMD EPYC (family 26, model 2, AVX-512)", Provenance.cpuModel(cpuinfo));
        Files.writeString(cpuinfo, "processor\t: 0\ncpu family\t: 23\nmodel\t\t: 49\nmodel name\t: AMD EPYC\n"
                + "flags\t\t: fpu sse2 avx2 fma\n");
        assertEquals("AMD EPYC (family 23, model 49, AVX2)", Provenance.cpuModel(cpuinfo));
        Files.writeString(cpuinfo, "processor\t: 0\nHardware\t: BCM2835\n");
        assertEquals(Provenance.UNKNOWN, Provenance.cpuModel(cpuinfo));
        assertEquals(Provenance.UNKNOWN, Provenance.cpuModel(temporary.resolve("absent")));
    }

    @Test
    void flattensIntoPropertiesInAStableOrder() {
        Map<String, String> properties = sample().asProperties();
        assertEquals("verify --suite smoke --seed 42 --out dir with spaces", properties.get("command"));
        assertEquals("1.0.0-M2.1 (plugins/dl4j-adapter.jar)", properties.get("plugin.dl4j"));
        assertEquals("42,-7,9223372036854775807", properties.get("seeds"));
        assertEquals("1.0E-10", properties.get("tolerance.float64.relative"));
        assertEquals("2025-01-02T03:05:00Z", properties.get("end"));
        assertEquals(List.of("command", "tool.version", "plugin.reference-aggregated", "plugin.dl4j"),
                List.copyOf(properties.keySet()).subList(0, 4));
    }

    private static List<String> iterate(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
