package org.bptt.reports.allure;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless chromium, run as a command: dumps a page's DOM after its scripts have run, or takes a
 * screenshot. Each call uses a fresh profile folder and no network beyond what the page itself loads.
 */
final class Chromium {

    /** Virtual time the page may use to load and render (it does not pass while a request is outstanding). */
    private static final int VIRTUAL_TIME_BUDGET_MILLIS = 10_000;
    private static final long TIMEOUT_SECONDS = 90;

    private final Path executable;
    private final Path profiles;

    private Chromium(Path executable, Path profiles) {
        this.executable = executable;
        this.profiles = profiles;
    }

    /** The chromium on the PATH, if any; {@code profiles} holds the fresh user-data folders. */
    static Optional<Chromium> find(Path profiles) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String directory : path.split(File.pathSeparator)) {
                Path candidate = Path.of(directory, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(new Chromium(candidate, profiles));
                }
            }
        }
        return Optional.empty();
    }

    /** The DOM of {@code url} once its scripts have run. */
    String dumpDom(String url) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", url));
    }

    /** A PNG screenshot of {@code url} at the given window size. */
    void screenshot(String url, Path png, int width, int height) throws IOException, InterruptedException {
        run(List.of("--window-size=" + width + "," + height, "--screenshot=" + png.toAbsolutePath(), url));
        if (!Files.isRegularFile(png)) {
            throw new IOException("chromium wrote no screenshot to " + png);
        }
    }

    private String run(List<String> arguments) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(Files.createDirectories(profiles), "chromium-profile-");
        List<String> command = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", "--user-data-dir=" + profile,
                "--virtual-time-budget=" + VIRTUAL_TIME_BUDGET_MILLIS));
        command.addAll(arguments);
        Path log = profile.resolve("chromium.log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("chromium did not finish within " + TIMEOUT_SECONDS + " s: " + command);
        }
        if (process.exitValue() != 0) {
            throw new IOException("chromium exited with " + process.exitValue() + " for " + command + "; its log:\n"
                    + Files.readString(log));
        }
        return output.join();
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
