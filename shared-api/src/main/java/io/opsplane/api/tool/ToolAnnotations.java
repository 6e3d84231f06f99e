package io.opsplane.api.tool;

/**
 * Hints for agents and approvers about what a tool does to its target.
 *
 * @param readOnly    it changes nothing on any target
 * @param destructive it may remove or irreversibly change something
 */
public record ToolAnnotations(boolean readOnly, boolean destructive) {
}
