package io.opsplane.command.approval;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Approval request expiry on the command side. The default expiry itself is
 * {@code opsplane.approvals.default-expires-after} (the catalogue's setting).
 *
 * @param expirySweepInterval how often each command-side instance records {@code approval.expired}
 *                            for open requests past {@code expiresAt}. Approving or executing such a
 *                            request is refused with {@code 410} at once regardless; this only bounds
 *                            how late the event follows.
 * @param expirySweepBatch    how many due requests one sweep handles; the rest wait for the next sweep
 */
@ConfigurationProperties("opsplane.approvals.expiry")
public record ApprovalProperties(
        @DefaultValue("1s") Duration expirySweepInterval,
        @DefaultValue("100") int expirySweepBatch) {
}
