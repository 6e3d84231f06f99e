package io.opsplane.command.apikey;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;

/**
 * An ISO-8601 instant, as text, later than now by the application's {@link Clock}; {@code null} is valid. The
 * validator is created by Spring, which gives it the clock.
 */
@Target({FIELD, METHOD, PARAMETER, TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = FutureInstant.Validator.class)
@interface FutureInstant {

    String message() default "must be in the future";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Tells text that is not an instant from an instant that is not in the future. */
    class Validator implements ConstraintValidator<FutureInstant, String> {

        private final Clock clock;

        public Validator(Clock clock) {
            this.clock = clock;
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            try {
                return Instant.parse(value).isAfter(clock.instant());
            } catch (DateTimeParseException e) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate("must be an ISO-8601 instant, e.g. 2026-12-31T00:00:00Z")
                        .addConstraintViolation();
                return false;
            }
        }
    }
}
