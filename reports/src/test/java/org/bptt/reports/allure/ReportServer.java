package org.bptt.reports.allure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Serves a report folder on 127.0.0.1 (an ephemeral port) and records every request and its status. */
final class ReportServer implements AutoCloseable {

    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript", "css", "text/css", "json", "application/json", "png", "image/png",
            "svg", "image/svg+xml", "csv", "text/csv", "txt", "text/plain; charset=utf-8", "ico", "image/x-icon");

    private final Path root;
    private final HttpServer server;
    private final List<String> requests = new ArrayList<>();

    ReportServer(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
    }

    /** The URL of {@code relativePath}, e.g. {@code index.html}. */
    String url(String relativePath) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + relativePath;
    }

    /** Every request so far, as "GET /path status". */
    synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = URI.create(exchange.getRequestURI().toString()).getPath();
            Path file = root.resolve(path.substring(1)).normalize();
            int status;
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                status = 404;
                exchange.sendResponseHeaders(status, -1);
            } else {
                status = 200;
                String name = file.getFileName().toString();
                String extension = name.substring(name.lastIndexOf('.') + 1);
                exchange.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(extension, "application/octet-stream"));
                byte[] body = Files.readAllBytes(file);
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            synchronized (this) {
                requests.add(exchange.getRequestMethod() + " " + path + " " + status);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
