package io.opsplane.platform.auth;

import io.opsplane.api.apikey.Actor;
import io.opsplane.api.apikey.ActorKind;
import io.opsplane.api.apikey.ApiKeyIssuedEvent;
import io.opsplane.api.apikey.Scope;

import java.util.List;
import java.util.Set;

/**
 * The API key a request was authenticated with: who is acting and what they may do.
 *
 * @param toolPatterns tool name patterns the key is limited to ({@code billing.*}, {@code email.send});
 *                     empty means every tool
 */
public record AuthenticatedKey(String keyId, String principal, ActorKind kind, String owner, Set<Scope> scopes,
                               List<String> toolPatterns, Integer ratePerMinute, Integer rateBurst) {

    /** The actor recorded in events for this key's actions. */
    public Actor actor() {
        return new Actor(keyId, principal, kind, owner);
    }

    public boolean isAdmin() {
        return scopes.contains(Scope.ADMIN);
    }

    /** {@code admin} implies every scope. */
    public boolean hasScope(Scope scope) {
        return isAdmin() || scopes.contains(scope);
    }

    /** Whether the key's tool patterns admit {@code toolName}. A trailing {@code *} matches any rest. */
    public boolean mayUseTool(String toolName) {
        if (toolPatterns == null || toolPatterns.isEmpty()) {
            return true;
        }
        return toolPatterns.stream().anyMatch(pattern -> pattern.endsWith("*")
                ? toolName.startsWith(pattern.substring(0, pattern.length() - 1))
                : toolName.equals(pattern));
    }

    /** The key as its issuing event describes it. */
    static AuthenticatedKey from(ApiKeyIssuedEvent issued) {
        return new AuthenticatedKey(issued.keyId(), issued.principal(), issued.kind(), issued.owner(),
                Set.copyOf(issued.scopes()), issued.toolPatterns() == null ? List.of() : List.copyOf(issued.toolPatterns()),
                issued.rateLimit() == null ? null : issued.rateLimit().perMinute(),
                issued.rateLimit() == null ? null : issued.rateLimit().burst());
    }
}
