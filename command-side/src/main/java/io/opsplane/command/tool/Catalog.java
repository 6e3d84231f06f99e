package io.opsplane.command.tool;

import io.opsplane.api.tool.CatalogPublishedEvent;
import io.opsplane.api.tool.PublishCatalogCommand;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * The published tool catalogue: one stream whose events are the catalogue's history. It remembers
 * only the last digest, so that a start that changes nothing records nothing.
 */
@Aggregate
class Catalog {

    /** There is one catalogue per deployment. */
    static final String ID = "catalog";

    @AggregateIdentifier
    private String catalogId;
    private String publishedDigest;

    Catalog() {
    }

    /**
     * Records the catalogue unless it equals the last one published; answers whether it recorded.
     * The repeat is a documented no-op: every start of every instance sends this command.
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    boolean handle(PublishCatalogCommand command) {
        if (isAlreadyPublished(command.digest())) {
            return false;
        }
        apply(new CatalogPublishedEvent(command.catalogId(), command.digest(), command.tools()));
        return true;
    }

    private boolean isAlreadyPublished(String digest) {
        return digest.equals(publishedDigest);
    }

    @EventSourcingHandler
    void on(CatalogPublishedEvent event) {
        catalogId = event.catalogId();
        publishedDigest = event.digest();
    }
}
