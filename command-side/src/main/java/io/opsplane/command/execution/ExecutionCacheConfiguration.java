package io.opsplane.command.execution;

import org.axonframework.common.caching.Cache;
import org.axonframework.common.caching.WeakReferenceCache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * This node's cache of execution aggregates: the commands that follow a request on the accepting node (the
 * outcome, the steps) find the aggregate in memory instead of reading its events back. Safe across nodes: an append
 * from a stale copy is refused by the store's unique (aggregate, sequence) key, the failed command evicts the copy,
 * and the runner sends the command again on a fresh load. Weak references: the garbage collector bounds it.
 */
@Configuration(proxyBeanMethods = false)
class ExecutionCacheConfiguration {

    @Bean(ToolExecution.CACHE)
    Cache toolExecutionCache() {
        return new WeakReferenceCache();
    }
}
