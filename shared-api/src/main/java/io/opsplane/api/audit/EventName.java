package io.opsplane.api.audit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The public, stable name of an event type as clients see it in the audit log, the SSE stream and
 * webhooks (for example {@code execution.requested}). Class names may change through upcasters;
 * this name may not.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventName {

    /** The dotted, snake_case public name. */
    String value();
}
