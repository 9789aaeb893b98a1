package org.bptt.reports;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.bptt.outputs.Table;
import org.bptt.reports.allure.AllureReport;
import org.bptt.reports.allure.AllureResults;
import org.bptt.reports.csv.VerifyTables;

/**
 * Merges the run folders of one suite's shards ({@code bptt verify --shard I/N}, e.g. from parallel CI jobs) into one
 * run folder with one report: the tables' rows in the order the folders are given, every Allure result, and a
 * run.json that names the merged folders.
 */
public final class RunMerge {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunMerge() {
    }

    /**
     * Writes the merged tables and Allure results of {@code sources} into {@code target} and generates its report.
     *
     * @return the merged report's index.html
     * @throws IOException naming the folder or table that could not be read or written (e.g. tables whose columns
     *                     differ, from different versions of the tool)
     */
    public static Path merge(List<RunFolder> sources, RunFolder target, Provenance provenance) throws IOException {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge: no run folders given");
        }
        RunOutputs outputs = new RunOutputs(target);
        for (String table : List.of(VerifyTables.CASES_TABLE, VerifyTables.QUANTITIES_TABLE, VerifyTables.TIMINGS_TABLE)) {
            outputs.writeTable(mergeTable(sources, table));
        }
        Path results = Files.createDirectories(target.resolve(AllureResults.DIRECTORY));
        // Each shard names the categories of the known divergences it met: the merged report needs all of them.
        Map<String, JsonNode> categories = new LinkedHashMap<>();
        for (RunFolder source : sources) {
            Path sourceResults = source.resolve(AllureResults.DIRECTORY);
            if (!Files.isDirectory(sourceResults)) {
                throw new IOException(source.path() + " has no " + AllureResults.DIRECTORY + "/: is it a run folder?");
            }
            try (Stream<Path> files = Files.list(sourceResults)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    if (file.getFileName().toString().equals(AllureResults.CATEGORIES_FILE)) {
                        for (JsonNode category : JSON.readTree(file.toFile())) {
                            categories.putIfAbsent(category.path("name").asText(), category);
                        }
                        continue;
                    }
                    // Results and attachments have ids unique across shards; the environment is the same.
                    AtomicFiles.copy(file, results.resolve(file.getFileName().toString()));
                }
            }
        }
        AtomicFiles.writeBytes(results.resolve(AllureResults.CATEGORIES_FILE),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(categories.values()));
        outputs.writeProvenance(provenance);
        return AllureReport.generateForRun(target);
    }

    /** The rows of table {@code name} of every source, in the order of the sources. */
    private static Table mergeTable(List<RunFolder> sources, String name) throws IOException {
        String fileName = name + ".csv";
        List<String> header = null;
        List<List<String>> rows = new ArrayList<>();
        for (RunFolder source : sources) {
            Path file = source.resolve(fileName);
            if (!Files.isRegularFile(file)) {
                throw new IOException(source.path() + " has no " + fileName);
            }
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                 CSVParser parser = RunOutputs.CSV.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
                if (header == null) {
                    header = parser.getHeaderNames();
                } else if (!header.equals(parser.getHeaderNames())) {
                    throw new IOException(file + " has the columns " + parser.getHeaderNames() + ", but "
                            + sources.get(0).resolve(fileName) + " has " + header + ": cannot merge tables of different versions");
                }
                for (CSVRecord record : parser.getRecords()) {
                    rows.add(record.toList());
                }
            }
        }
        return new Table(name, header, rows);
    }
}
