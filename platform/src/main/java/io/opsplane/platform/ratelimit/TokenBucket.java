package io.opsplane.platform.ratelimit;

/**
 * The state of one token bucket at an instant, refilled lazily: the tokens it held when last
 * changed and when that was. Taking a token computes the refill since then; nothing ticks.
 *
 * @param tokens        tokens held at {@code updatedAtMillis}, fractional between refills
 * @param updatedAtMillis epoch milliseconds of the last change
 */
record TokenBucket(double tokens, long updatedAtMillis) {

    static TokenBucket full(BucketLimit limit, long nowMillis) {
        return new TokenBucket(limit.burst(), nowMillis);
    }

    /**
     * The bucket after refilling up to {@code nowMillis}. A clock behind the last change (another
     * instance's clock runs ahead) refills nothing rather than draining the bucket.
     */
    TokenBucket refilled(BucketLimit limit, long nowMillis) {
        long elapsed = Math.max(0, nowMillis - updatedAtMillis);
        double refilled = Math.min(limit.burst(), tokens + elapsed * limit.tokensPerMilli());
        return new TokenBucket(refilled, Math.max(updatedAtMillis, nowMillis));
    }

    /** Whether a whole token is there to take. */
    boolean hasToken() {
        return tokens >= 1.0;
    }

    /** The bucket after {@code count} whole tokens are taken; the caller has checked that they are there. */
    TokenBucket take(int count) {
        return new TokenBucket(tokens - count, updatedAtMillis);
    }

    /**
     * The bucket as the requests one instance serves see it: its own tokens and the {@code leased} ones that
     * instance already took from it, never more than the bucket's capacity (a lease taken just before the bucket
     * refilled is not more room than a full bucket).
     */
    TokenBucket withLeased(int leased, BucketLimit limit) {
        return new TokenBucket(Math.min(limit.burst(), tokens + leased), updatedAtMillis);
    }

    /** What to report for this bucket, already refilled, after admitting or refusing a request. */
    RateLimitDecision decision(BucketLimit limit, boolean allowed) {
        double perSecond = limit.tokensPerMilli() * 1000.0;
        long reset = (long) Math.ceil(Math.max(0, limit.burst() - tokens) / perSecond);
        long retryAfter = allowed ? 0 : Math.max(1, (long) Math.ceil((1.0 - tokens) / perSecond));
        return new RateLimitDecision(allowed, limit.perMinute(), (long) Math.floor(Math.max(0, tokens)), reset,
                retryAfter);
    }
}
