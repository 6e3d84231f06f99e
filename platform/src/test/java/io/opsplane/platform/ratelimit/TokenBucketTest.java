package io.opsplane.platform.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTest {

    private static final BucketLimit SIXTY_A_MINUTE_BURST_TEN = new BucketLimit(60, 10);

    @Test
    void aNewBucketIsFullAndReportsTheRemainderAfterATake() {
        TokenBucket taken = TokenBucket.full(SIXTY_A_MINUTE_BURST_TEN, 0).take(1);
        RateLimitDecision decision = taken.decision(SIXTY_A_MINUTE_BURST_TEN, true);
        assertThat(decision.limit()).isEqualTo(60);
        assertThat(decision.remaining()).isEqualTo(9);
        assertThat(decision.resetSeconds()).isEqualTo(1);
        assertThat(decision.retryAfterSeconds()).isZero();
    }

    @Test
    void refillsAtTheRateAndNeverBeyondTheBurst() {
        TokenBucket empty = new TokenBucket(0, 0);
        assertThat(empty.refilled(SIXTY_A_MINUTE_BURST_TEN, 2_500).tokens()).isEqualTo(2.5);
        assertThat(empty.refilled(SIXTY_A_MINUTE_BURST_TEN, 60_000).tokens()).isEqualTo(10);
    }

    @Test
    void anEmptyBucketRefusesAndSaysWhenToComeBack() {
        TokenBucket almost = new TokenBucket(0.25, 0).refilled(SIXTY_A_MINUTE_BURST_TEN, 0);
        assertThat(almost.hasToken()).isFalse();
        RateLimitDecision decision = almost.decision(SIXTY_A_MINUTE_BURST_TEN, false);
        assertThat(decision.allowed()).isFalse();
        assertThat(decision.remaining()).isZero();
        assertThat(decision.retryAfterSeconds()).isEqualTo(1);
        assertThat(decision.resetSeconds()).isEqualTo(10);
    }

    @Test
    void aClockBehindTheLastChangeRefillsNothing() {
        TokenBucket bucket = new TokenBucket(3, 10_000);
        TokenBucket refilled = bucket.refilled(SIXTY_A_MINUTE_BURST_TEN, 4_000);
        assertThat(refilled.tokens()).isEqualTo(3);
        assertThat(refilled.updatedAtMillis()).isEqualTo(10_000);
    }
}
