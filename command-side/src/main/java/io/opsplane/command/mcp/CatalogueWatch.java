package io.opsplane.command.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * Sends {@code notifications/tools/list_changed} to every open session when what {@code tools/list}
 * shows changes: the catalogue's tools, schemas or availability (a connector losing or gaining its
 * credentials). It compares the catalogue's digest every {@code interval}; sessions then list again.
 */
class CatalogueWatch implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CatalogueWatch.class);

    private final McpToolCatalogue catalogue;
    private final McpStreamableServerTransportProvider transport;
    private final Duration interval;
    private volatile Disposable watching;

    CatalogueWatch(McpToolCatalogue catalogue, McpStreamableServerTransportProvider transport, Duration interval) {
        this.catalogue = catalogue;
        this.transport = transport;
        this.interval = interval;
    }

    @Override
    public void start() {
        watching = Flux.interval(Duration.ZERO, interval)
                .map(tick -> catalogue.digest())
                .distinctUntilChanged()
                .skip(1)
                .concatMap(digest -> {
                    log.info("Tool catalogue changed ({}); telling MCP sessions", digest);
                    return transport.notifyClients(McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED, null)
                            .onErrorResume(e -> {
                                log.warn("telling MCP sessions about the catalogue failed: {}", e.toString());
                                return Mono.empty();
                            });
                })
                .subscribe(null, e -> log.error("the MCP catalogue watch stopped", e));
    }

    @Override
    public void stop() {
        Disposable current = watching;
        if (current != null) {
            current.dispose();
        }
        watching = null;
    }

    @Override
    public boolean isRunning() {
        return watching != null && !watching.isDisposed();
    }
}
