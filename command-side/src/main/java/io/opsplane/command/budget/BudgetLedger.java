package io.opsplane.command.budget;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

import java.util.Date;
import java.util.List;

/**
 * What has been spent of each budget in each window, in the {@code budget_usage} collection: one
 * document per budget, partition and window, found by {@code _id}. Spending is one conditional
 * upsert ({@code used <= limit - amount} and this execution not yet counted), so instances never
 * overspend together, and a retried request with the same execution id is counted once.
 * Amounts are whole micro-units, so that 0.1 + 0.2 spends exactly 0.3.
 */
@Component
class BudgetLedger {

    static final String COLLECTION = "budget_usage";
    private static final int MAX_ATTEMPTS = 5;

    private final MongoCollection<Document> usage;

    BudgetLedger(MongoTemplate mongo) {
        this.usage = mongo.getCollection(COLLECTION);
    }

    /** One window of one budget for one partition. */
    record Slot(String tool, String budget, String partition, long windowStart, long windowEnd) {

        String id() {
            return tool + "|" + budget + "|" + partition + "|" + windowStart;
        }
    }

    /** The outcome of a charge: whether it fit, and what was spent in the slot afterwards (or before, if not). */
    record Charge(boolean accepted, long usedMicros) {
    }

    Charge charge(Slot slot, String executionId, long amountMicros, long limitMicros) {
        if (amountMicros > limitMicros) {
            return new Charge(false, usedMicros(slot));
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                // findOneAndUpdate: on the embedded store updateOne's match and write are not one atomic step.
                usage.findOneAndUpdate(Filters.and(Filters.eq("_id", slot.id()),
                                Filters.lte("used", limitMicros - amountMicros),
                                Filters.ne("executions", executionId)),
                        spending(slot, executionId, amountMicros),
                        new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.BEFORE));
                return new Charge(true, usedMicros(slot));
            } catch (MongoWriteException | MongoCommandException e) {
                if (!isDuplicateKey(e)) {
                    throw e;
                }
            }
            // The slot exists and the condition failed: counted already, full, or created concurrently.
            Document existing = usage.find(Filters.eq("_id", slot.id())).first();
            if (existing == null) {
                continue;
            }
            long used = existing.get("used", Number.class).longValue();
            List<?> executions = existing.getList("executions", Object.class, List.of());
            if (executions.contains(executionId)) {
                return new Charge(true, used);
            }
            if (used > limitMicros - amountMicros) {
                return new Charge(false, used);
            }
        }
        return new Charge(false, usedMicros(slot));
    }

    /**
     * Charges an approved execution whatever the slot holds already; still once per execution, so a
     * retry after a crash is not counted twice.
     */
    void chargeBeyondLimit(Slot slot, String executionId, long amountMicros) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                usage.findOneAndUpdate(Filters.and(Filters.eq("_id", slot.id()), Filters.ne("executions", executionId)),
                        spending(slot, executionId, amountMicros),
                        new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.BEFORE));
                return;
            } catch (MongoWriteException | MongoCommandException e) {
                if (!isDuplicateKey(e)) {
                    throw e;
                }
            }
            // The slot exists and counts this execution already, or was created concurrently: look again.
            Document existing = usage.find(Filters.eq("_id", slot.id())).first();
            if (existing != null && existing.getList("executions", Object.class, List.of()).contains(executionId)) {
                return;
            }
        }
        throw new IllegalStateException("could not charge " + executionId + " to budget slot " + slot.id());
    }

    private static org.bson.conversions.Bson spending(Slot slot, String executionId, long amountMicros) {
        return Updates.combine(Updates.inc("used", amountMicros), Updates.push("executions", executionId),
                Updates.setOnInsert("tool", slot.tool()), Updates.setOnInsert("budget", slot.budget()),
                Updates.setOnInsert("partition", slot.partition()),
                Updates.setOnInsert("windowStart", new Date(slot.windowStart())),
                Updates.setOnInsert("windowEnd", new Date(slot.windowEnd())));
    }

    /** Takes back a charge made for an execution that another budget then refused. */
    void refund(Slot slot, String executionId, long amountMicros) {
        usage.updateOne(Filters.and(Filters.eq("_id", slot.id()), Filters.eq("executions", executionId)),
                Updates.combine(Updates.inc("used", -amountMicros), Updates.pull("executions", executionId)));
    }

    long usedMicros(Slot slot) {
        Document existing = usage.find(Filters.eq("_id", slot.id())).first();
        return existing == null ? 0 : existing.get("used", Number.class).longValue();
    }

    private static boolean isDuplicateKey(RuntimeException e) {
        if (e instanceof MongoWriteException write) {
            return write.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
        }
        return e instanceof MongoCommandException command && command.getErrorCode() == 11000;
    }
}
