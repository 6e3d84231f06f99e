package io.opsplane.benchmarks;

/** Benchmark event payload, about the size of the system's small events. */
record Noted(String text, long amount) {
}
