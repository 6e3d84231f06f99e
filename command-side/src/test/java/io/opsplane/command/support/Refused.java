package io.opsplane.command.support;

import io.opsplane.api.refusal.Refusal;
import io.opsplane.api.refusal.RefusalReason;
import org.hamcrest.CustomTypeSafeMatcher;
import org.hamcrest.Matcher;

/** For fixture tests: a command was refused for this reason (what the domain says, not an HTTP status). */
public final class Refused {

    private Refused() {
    }

    public static Matcher<Throwable> because(RefusalReason reason) {
        return new CustomTypeSafeMatcher<>("a refusal because of " + reason) {
            @Override
            protected boolean matchesSafely(Throwable t) {
                return t instanceof Refusal refusal && refusal.reason() == reason;
            }
        };
    }
}
