package io.opsplane.eventstore;

/** Test event payload. */
record Noted(String text) {
}
