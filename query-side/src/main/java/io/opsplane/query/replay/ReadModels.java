package io.opsplane.query.replay;

import io.opsplane.query.config.Projections;
import org.bson.Document;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Which physical collections each replayable read model (each projection, naming its collections with
 * {@link ReadModel}) lives in. A replay builds generation <i>g+1</i> of a read
 * model in collections named {@code <base>_g<g+1>} while generation <i>g</i> keeps serving; the swap is one write to
 * {@code read_model_generations}. Every store asks {@link #collection(String)} for the physical collection and passes
 * it to each {@code MongoTemplate} call (a {@code @Document} names only the base, which is generation 0's); on the
 * shadow processor's thread that is the generation being built. It is static so that the shared helpers of the
 * stores ({@code Documents}, {@code KeyedIndex}) need no reference to this bean.
 * <p>
 * The generations are process-wide: every application context in one JVM shares them, which only matters to tests
 * that replay in one of several applications running side by side.
 */
@Component
public class ReadModels implements SmartInitializingSingleton {

    static final String REGISTRY = "read_model_generations";
    static final long REFRESH_NANOS = 1_000_000_000L;

    /** The replayable read models (every projection) and their collections' base names, from {@link ReadModel}. */
    private static volatile Map<String, List<String>> collections = Map.of();
    /** Each collection's read model, the inverse of {@link #collections}. */
    private static volatile Map<String, String> owner = Map.of();
    private static final ThreadLocal<Target> TARGET = new ThreadLocal<>();
    private static final Map<String, Long> LIVE = new ConcurrentHashMap<>();
    private static volatile MongoTemplate registry;
    private static volatile long refreshedAt;

    private final MongoTemplate mongo;
    private final Projections projections;

    ReadModels(MongoTemplate mongo, Projections projections) {
        this.mongo = mongo;
        this.projections = projections;
        registry = mongo;
        refreshedAt = 0;
        refresh();
    }

    /**
     * Learns each projection's collections once every bean exists and before any processor starts: from the
     * {@link ReadModel} on each {@code @ProcessingGroup} bean, so a projection is declared in one place.
     */
    @Override
    public void afterSingletonsInstantiated() {
        Map<String, List<String>> found = new TreeMap<>();
        for (String name : projections.names()) {
            ReadModel model = AopUtils.getTargetClass(projections.handler(name)).getAnnotation(ReadModel.class);
            if (model == null) {
                throw new IllegalStateException("Projection " + name + " names no collections with @ReadModel");
            }
            found.put(name, List.of(model.value()));
        }
        owner = found.entrySet().stream()
                .flatMap(entry -> entry.getValue().stream().map(base -> Map.entry(base, entry.getKey())))
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
        collections = Collections.unmodifiableMap(found);
    }

    /** The replayable read models and their collections' base names, by projection name. */
    public static Map<String, List<String>> collections() {
        return collections;
    }

    /**
     * Whether {@code collection} holds a read model, of any generation: data its projection rebuilds from the events,
     * whose progress (the processor's token) is kept elsewhere.
     */
    public static boolean holds(String collection) {
        Map<String, String> owners = owner;
        if (owners.containsKey(collection)) {
            return true;
        }
        int suffix = collection.lastIndexOf("_g");
        if (suffix <= 0 || suffix + 2 == collection.length() || !owners.containsKey(collection.substring(0, suffix))) {
            return false;
        }
        return collection.substring(suffix + 2).chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** The base names of {@code model}'s collections. */
    static List<String> collectionsOf(String model) {
        List<String> bases = collections.get(model);
        if (bases == null) {
            throw new IllegalArgumentException("No read model " + model);
        }
        return bases;
    }

    /** Forgets this application's registry when it stops, so that nothing reads through its closed client. */
    @jakarta.annotation.PreDestroy
    void close() {
        synchronized (ReadModels.class) {
            if (registry == mongo) {
                registry = null;
                LIVE.clear();
            }
        }
    }

    /** The physical collection of {@code base} for the current thread: the generation being built, else the live one. */
    public static String collection(String base) {
        String model = owner.get(base);
        if (model == null) {
            return base;
        }
        Target target = TARGET.get();
        long generation = target != null && target.model().equals(model) ? target.generation() : liveGeneration(model);
        return name(base, generation);
    }

    static String name(String base, long generation) {
        return generation == 0 ? base : base + "_g" + generation;
    }

    static long liveGeneration(String model) {
        if (System.nanoTime() - refreshedAt > REFRESH_NANOS) {
            refresh();
        }
        return LIVE.getOrDefault(model, 0L);
    }

    /** Makes {@code generation} the live one of {@code model}, for every instance (they re-read within a second). */
    static void activate(String model, long generation) {
        registry.getCollection(REGISTRY).replaceOne(new Document("_id", model),
                new Document("_id", model).append("generation", generation),
                new com.mongodb.client.model.ReplaceOptions().upsert(true));
        LIVE.put(model, generation);
    }

    /** Runs {@code work} on this thread as if generation {@code generation} of {@code model} were live. */
    static void withTarget(String model, long generation, Runnable work) {
        Target previous = TARGET.get();
        TARGET.set(new Target(model, generation));
        try {
            work.run();
        } finally {
            if (previous == null) {
                TARGET.remove();
            } else {
                TARGET.set(previous);
            }
        }
    }

    /** Whether this thread builds a generation that is not live yet (a replay), so live-only effects are skipped. */
    public static boolean buildingShadow() {
        Target target = TARGET.get();
        return target != null && target.generation() != liveGeneration(target.model());
    }

    private static synchronized void refresh() {
        MongoTemplate mongo = registry;
        refreshedAt = System.nanoTime();
        if (mongo == null) {
            return;
        }
        Map<String, Long> found = new ConcurrentHashMap<>();
        try {
            for (Document document : mongo.getCollection(REGISTRY).find()) {
                found.put(document.getString("_id"), ((Number) document.get("generation")).longValue());
            }
        } catch (RuntimeException e) {
            // The store is briefly unreachable (or the application stopping): keep the generations known so far.
            return;
        }
        LIVE.keySet().retainAll(found.keySet());
        LIVE.putAll(found);
        refreshedAt = System.nanoTime();
    }

    private record Target(String model, long generation) {
    }
}
