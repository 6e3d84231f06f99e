package io.opsplane.command.execution;

import jakarta.annotation.PreDestroy;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bulkheads for running tools: each pair of tool and API key has a lane of its own that runs at most
 * {@code opsplane.runner.lane-concurrency} executions at once (16 by default) and queues the rest. A lane's queue
 * holds no thread, and no lane waits for another: one key's slow calls, or one tool's, can only queue that key's
 * own executions of that tool. The bound this gives: an execution whose lane has fewer than that many runs starts
 * at once, whatever every other key and tool is doing (CPU aside).
 */
@Component
class ToolLanes {

    private final int concurrency;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final ThreadPoolTaskExecutor threads = cachedPool("tool-lane-");

    ToolLanes(@Value("${opsplane.runner.lane-concurrency:16}") int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("opsplane.runner.lane-concurrency must be at least 1");
        }
        this.concurrency = concurrency;
    }

    /** Runs {@code work} in the lane of this tool and key: now, or after the lane's earlier work. */
    void submit(String tool, String apiKeyId, Runnable work) {
        lanes.computeIfAbsent(tool + "\n" + apiKeyId, name -> new Lane()).submit(work);
    }

    /** How many executions of this tool and key wait for a free place in their lane (not counting those running). */
    int queued(String tool, String apiKeyId) {
        Lane lane = lanes.get(tool + "\n" + apiKeyId);
        return lane == null ? 0 : lane.queued();
    }

    private final class Lane {

        private final Queue<Runnable> waiting = new ArrayDeque<>();
        private int running;

        synchronized void submit(Runnable work) {
            if (running < concurrency) {
                running++;
                start(work);
            } else {
                waiting.add(work);
            }
        }

        synchronized int queued() {
            return waiting.size();
        }

        private void start(Runnable work) {
            threads.execute(() -> {
                try {
                    work.run();
                } finally {
                    next();
                }
            });
        }

        private synchronized void next() {
            Runnable work = waiting.poll();
            if (work == null) {
                running--;
            } else {
                start(work);
            }
        }
    }

    /**
     * A pool that hands each task to an idle thread or starts one, never queueing (a queue of 0 is a synchronous
     * hand-off), and lets a thread idle for a minute go: the lanes bound how much runs at once, not the pool. Its
     * daemon threads are named {@code prefix} and a number. Its {@code shutdown()} does not wait for tasks: it
     * interrupts what is running ({@code shutdownNow}), as a tool's timeout does.
     */
    static ThreadPoolTaskExecutor cachedPool(String threadNamePrefix) {
        ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor();
        pool.setCorePoolSize(0);
        pool.setMaxPoolSize(Integer.MAX_VALUE);
        pool.setQueueCapacity(0);
        pool.setKeepAliveSeconds(60);
        pool.setThreadNamePrefix(threadNamePrefix);
        pool.setDaemon(true);
        pool.initialize();
        return pool;
    }

    @PreDestroy
    void stop() {
        threads.shutdown();
    }
}
