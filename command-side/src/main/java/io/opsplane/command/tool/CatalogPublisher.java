package io.opsplane.command.tool;

import io.opsplane.api.tool.PublishCatalogCommand;
import io.opsplane.api.tool.ToolSpec;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * Publishes the catalogue when the command side starts, so the query side's registry shows what
 * this deployment runs. Instances starting together race on the catalogue stream: the loser sees
 * a conflict and tries again, and then finds the catalogue already published.
 */
@Component
class CatalogPublisher {

    private static final Logger log = LoggerFactory.getLogger(CatalogPublisher.class);
    private static final int ATTEMPTS = 5;

    private final ToolRegistry registry;
    private final CommandGateway commands;

    CatalogPublisher(ToolRegistry registry, CommandGateway commands) {
        this.registry = registry;
        this.commands = commands;
    }

    @EventListener(ApplicationReadyEvent.class)
    void publish() {
        List<ToolSpec> specs = registry.specs();
        String digest = CanonicalJson.digest(specs);
        for (int attempt = 1; ; attempt++) {
            try {
                Boolean recorded = commands.sendAndWait(new PublishCatalogCommand(Catalog.ID, digest, specs));
                log.info("Tool catalogue {} ({} tools) {}", digest, specs.size(),
                        Boolean.TRUE.equals(recorded) ? "published" : "unchanged since last published");
                return;
            } catch (RuntimeException e) {
                if (!isConflict(e) || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static boolean isConflict(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof AggregateStreamCreationException || t instanceof ConcurrencyException) {
                return true;
            }
        }
        return false;
    }
}
