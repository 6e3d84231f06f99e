package io.opsplane.query.execution;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

import java.time.Instant;

/**
 * One execution in the {@code executions} read model. The view and the timeline are kept as JSON
 * text because tool inputs and outputs are arbitrary JSON whose keys may hold {@code .} or
 * {@code $}, which MongoDB field names reject; the fields beside them say which lists of
 * {@code execution_lists} hold the execution (see {@link ExecutionLists}), and are read by {@code _id} only.
 *
 * @param actor           the principal of the actor ({@code actor.name} in the view), in normal form
 * @param createdPosition the position of the execution's first event; the list order
 * @param lastSequence    the aggregate sequence of the last event folded in; a redelivered event
 *                        at or below it is ignored
 * @param view            the {@code ExecutionView} as JSON
 * @param timeline        the execution's events as a JSON array, in order
 */
@Document(ExecutionDocument.COLLECTION)
record ExecutionDocument(
        @Id String executionId,
        String tool,
        String status,
        String mode,
        String actor,
        Instant createdAt,
        long createdPosition,
        long lastSequence,
        String view,
        String timeline) {

    static final String COLLECTION = "executions";
}
