package io.opsplane.platform.auth;

import io.opsplane.api.apikey.Scope;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The scopes a handler needs: the key must hold at least one of them ({@code admin} holds all).
 * Every handler under {@code /v1} must carry it; {@link ScopeInterceptor} refuses one that does not.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RequiresScope {

    Scope[] value();
}
