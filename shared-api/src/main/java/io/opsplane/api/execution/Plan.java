package io.opsplane.api.execution;

import java.util.List;

/**
 * The effects a tool would have for one input, computed without side effects.
 *
 * @param effects the effects, in the order the tool would cause them
 * @param digest  {@code sha256:} over the canonical JSON of {@code effects}
 */
public record Plan(List<Effect> effects, String digest) {
}
