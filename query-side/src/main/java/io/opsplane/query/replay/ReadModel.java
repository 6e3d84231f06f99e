package io.opsplane.query.replay;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a projection (a bean with a {@code @ProcessingGroup}, which names it): the base names of the collections it
 * writes, every one of which a replay rebuilds as a new generation ({@link ReadModels}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ReadModel {

    /** The collections' base names, as the projection's stores name them. */
    String[] value();
}
