package io.opsplane.query.index;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * State a projection keeps for one batch of its tracking processor, so that it reads each document once and writes
 * what the batch changed in a few bulk writes. The writes happen while the batch's last event is handled, before the
 * processor stores its token: a crash before them redelivers the whole batch, and a failed write fails the batch.
 * Outside a processor (a test calling a handler) every event is a batch of its own.
 */
public final class PerBatch {

    private PerBatch() {
    }

    /** The batch's state under {@code key}, created on first use. */
    public static <T> T state(String key, Supplier<T> create) {
        if (!CurrentUnitOfWork.isStarted()) {
            return create.get();
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
        return unitOfWork.getOrComputeResource(key, k -> create.get());
    }

    /**
     * Every message of the batch being handled, so that a projection can read what the whole batch needs in one
     * {@code $in} read when it handles the first; outside a processor, {@code current} alone.
     */
    private static List<? extends Message<?>> messages(Message<?> current) {
        if (CurrentUnitOfWork.isStarted() && CurrentUnitOfWork.get() instanceof BatchingUnitOfWork<?> batch) {
            return batch.getMessages();
        }
        return List.of(current);
    }

    /**
     * The aggregates the batch's domain events belong to, of {@code aggregateType} only (null: of any type), in the
     * order they first appear: what a projection reads in one {@code $in} when the batch starts.
     */
    public static Set<String> aggregateIds(Message<?> current, String aggregateType) {
        return aggregateIds(messages(current), aggregateType);
    }

    /** As {@link #aggregateIds(Message, String)}, for the message the current unit of work handles (none outside). */
    public static Set<String> aggregateIds(String aggregateType) {
        if (!CurrentUnitOfWork.isStarted()) {
            return Set.of();
        }
        return aggregateIds(CurrentUnitOfWork.get().getMessage(), aggregateType);
    }

    private static Set<String> aggregateIds(List<? extends Message<?>> messages, String aggregateType) {
        Set<String> ids = new LinkedHashSet<>();
        for (Message<?> message : messages) {
            if (message instanceof DomainEventMessage<?> domain
                    && (aggregateType == null || aggregateType.equals(domain.getType()))) {
                ids.add(domain.getAggregateIdentifier());
            }
        }
        return ids;
    }

    /** Whether the event being handled is the batch's last, so its state must be written now. */
    public static boolean atEnd() {
        if (!CurrentUnitOfWork.isStarted()) {
            return true;
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get();
        return !(unitOfWork instanceof BatchingUnitOfWork<?> batch) || batch.isLastMessage();
    }
}
