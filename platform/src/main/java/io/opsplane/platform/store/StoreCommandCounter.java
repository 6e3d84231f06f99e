package io.opsplane.platform.store;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts every command this application sends to the store, by command name ({@code find}, {@code insert},
 * {@code findAndModify}, ...), as the Micrometer counter {@value #METER} (on {@code /actuator/prometheus} as
 * {@code opsplane_store_commands_total}). What a request costs in store round trips is the difference of two
 * readings: the execution benchmark reports it per execution, and a test holds it to a budget.
 */
public final class StoreCommandCounter implements CommandListener {

    public static final String METER = "opsplane.store.commands";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();

    public StoreCommandCounter(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        total.increment();
        counters.computeIfAbsent(event.getCommandName(), name -> Counter.builder(METER)
                .description("commands sent to the store").tag("command", name).register(registry)).increment();
    }

    /** Every command sent since this application started. */
    public long total() {
        return total.sum();
    }

    /** Commands sent since start, by command name. */
    public Map<String, Long> byCommand() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        counters.forEach((name, counter) -> counts.put(name, (long) counter.count()));
        return counts;
    }
}
