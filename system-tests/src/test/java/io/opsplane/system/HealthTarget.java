package io.opsplane.system;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;

/** A service for {@code service.healthcheck} to check: {@code /ok} answers {@code 204}. */
final class HealthTarget implements AutoCloseable {

    private final HttpServer server;

    private HealthTarget(HttpServer server) {
        this.server = server;
    }

    static HealthTarget start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        return new HealthTarget(server);
    }

    /** The URL of {@code /ok}. */
    String okUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/ok";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
