package io.opsplane.platform.problem;

import java.util.List;
import java.util.Map;

/** {@code 400 invalid_input}: the body parsed but its content is not acceptable; lists every error found. */
public class InvalidInputException extends ApiException {

    public InvalidInputException(List<FieldError> errors) {
        super(400, "invalid_input", "Invalid input", summary(errors), Map.of("errors", List.copyOf(errors)), Map.of());
    }

    public InvalidInputException(String path, String message) {
        this(List.of(new FieldError(path, message)));
    }

    private static String summary(List<FieldError> errors) {
        if (errors.size() == 1) {
            FieldError only = errors.get(0);
            return (only.path().isEmpty() ? "the body" : only.path()) + ": " + only.message();
        }
        return errors.size() + " problems with the input; see errors";
    }
}
