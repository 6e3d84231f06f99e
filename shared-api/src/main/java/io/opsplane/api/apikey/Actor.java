package io.opsplane.api.apikey;

/**
 * Who did something: the API key used, its principal ({@code name}), its kind, and for agent keys
 * the accountable human ({@code owner}).
 *
 * @param keyId the id of the API key that authenticated the request
 * @param name  the principal of that key, e.g. {@code alice@example.com} or {@code agent:deploy-bot}
 * @param kind  human or agent
 * @param owner the accountable human principal of an agent key; {@code null} for human keys
 */
public record Actor(String keyId, String name, ActorKind kind, String owner) {

    /**
     * The principal accountable for this actor's actions, in normal form ({@link Principals}): the owner of
     * an agent, else the principal itself.
     */
    public String accountablePrincipal() {
        return Principals.normalise(kind == ActorKind.AGENT && owner != null ? owner : name);
    }

    /** The principal in normal form ({@link Principals}), as every comparison of principals uses it. */
    public String normalisedName() {
        return Principals.normalise(name);
    }
}
