package io.opsplane.standalone;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which writes the local run's embedded store acknowledges before it commits them, beyond the read models (which the
 * query side names once it runs: {@code ReplayEndpointsTest} holds that list).
 */
class CommittedLaterTest {

    @Test
    void aPositionReservationWaitsForTheInsertThatFollowsIt() {
        assertThat(Standalone.committedLater("findandmodify", "event_sequence")).isTrue();
    }

    @Test
    void eventsTokensTheAuditPointerAndEverythingElseCommitBeforeTheAnswer() {
        assertThat(Standalone.committedLater("insert", "events")).isFalse();
        assertThat(Standalone.committedLater("update", "event_sequence")).as("the audit checkpoint pointer").isFalse();
        assertThat(Standalone.committedLater("insert", "event_checkpoints")).isFalse();
        assertThat(Standalone.committedLater("update", "trackingtokens")).isFalse();
        assertThat(Standalone.committedLater("findandmodify", "rate_limit_buckets")).isFalse();
        assertThat(Standalone.committedLater("insert", "api_keys_audit")).isFalse();
        assertThat(Standalone.committedLater("update", "webhook_deliveries")).isFalse();
    }
}
