package io.opsplane.platform.problem;

/**
 * One reason an input was refused.
 *
 * @param path    a JSON Pointer into the request body, e.g. {@code /input/url}
 * @param message what is wrong with it
 */
public record FieldError(String path, String message) {
}
