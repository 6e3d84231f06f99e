package io.opsplane.command.apikey;

import io.opsplane.api.apikey.Scope;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;

/** The wire name of a {@link Scope}, e.g. {@code tools:execute}; {@code null} is left to {@code @NotNull}. */
@Target({FIELD, METHOD, PARAMETER, TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = KnownScope.Validator.class)
@interface KnownScope {

    String message() default "unknown scope";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Names the refused value in the message, as it was sent. */
    class Validator implements ConstraintValidator<KnownScope, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null || Scope.fromWireName(value).isPresent()) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(literal("unknown scope '" + value + "'"))
                    .addConstraintViolation();
            return false;
        }

        /** A message template that reads as {@code text}: what the client sent is never interpolated. */
        private static String literal(String text) {
            return text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
        }
    }
}
