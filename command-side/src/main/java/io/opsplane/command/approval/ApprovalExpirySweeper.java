package io.opsplane.command.approval;

import io.opsplane.api.approval.ExpireRequestCommand;
import io.opsplane.command.deadline.ExpirySweeper;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Records {@code approval.expired} for open requests past their stored deadline ({@link ApprovalDeadlines}). */
@Component
class ApprovalExpirySweeper extends ExpirySweeper<String> {

    private final ApprovalDeadlines deadlines;
    private final ApprovalProperties properties;

    ApprovalExpirySweeper(ApprovalDeadlines deadlines, CommandGateway commands, ApprovalProperties properties,
                          Clock clock) {
        super("approval-expiry-sweeper", commands, properties.expirySweepInterval(), clock);
        this.deadlines = deadlines;
        this.properties = properties;
    }

    @Override
    protected List<String> due(Instant now) {
        return deadlines.due(now, properties.expirySweepBatch());
    }

    @Override
    protected Object expireCommand(String requestId, Instant now) {
        return new ExpireRequestCommand(requestId, now);
    }
}
