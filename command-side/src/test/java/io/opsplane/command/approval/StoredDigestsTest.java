package io.opsplane.command.approval;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsplane.api.approval.ApprovalRequestedEvent;
import io.opsplane.api.execution.ToolRef;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Approval requests recorded before payload hashes followed RFC 8785 still verify: their hash is recomputed in the
 * form it was made in, and a different input still does not match it.
 */
class StoredDigestsTest {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    /**
     * An {@code approval.requested} payload as stored before RFC 8785: its hash was taken over
     * {@code {"input":{"amount":1.0e-4,"paymentIntent":"pi_1"},"tool":"billing.refund","toolVersion":"1.0.0"}}.
     */
    private static final String STORED_BEFORE_RFC_8785 = """
            {"requestId": "apr_1", "tool": {"name": "billing.refund", "version": "1.0.0",
             "schemaDigest": "sha256:00", "idempotent": false, "timeoutMs": 20000},
             "input": {"amount": 0.0001, "paymentIntent": "pi_1"},
             "payloadHash": "sha256:e3bdf33b5bf8e4b8ac7cab8ae39667788b92e96b37e484fa1d21828916d012fd",
             "reason": "refund", "minApprovals": 1}""";

    @Test
    void aPayloadHashStoredBeforeRfc8785StillVerifies() throws Exception {
        ApprovalRequestedEvent stored = JSON.readValue(STORED_BEFORE_RFC_8785, ApprovalRequestedEvent.class);
        ToolRef ref = stored.tool();

        assertThat(ApprovalRequests.payloadHashAs(stored.payloadHash(), ref, JSON.valueToTree(stored.input())))
                .isEqualTo(stored.payloadHash());
        // The same input digested today (RFC 8785 writes 0.0001) gives another hash: the sample is of the old form.
        assertThat(ApprovalRequests.payloadHash(ref, JSON.valueToTree(stored.input())))
                .isEqualTo("sha256:c48d8b1603802c636dd61ea1e52bf63f381d2a88d91b14803e7e7c7a2d2c3888")
                .isNotEqualTo(stored.payloadHash());
    }

    @Test
    void anotherInputDoesNotMatchAStoredHashInEitherForm() throws Exception {
        ApprovalRequestedEvent stored = JSON.readValue(STORED_BEFORE_RFC_8785, ApprovalRequestedEvent.class);

        assertThat(ApprovalRequests.payloadHashAs(stored.payloadHash(), stored.tool(),
                JSON.readTree("{\"amount\": 0.0002, \"paymentIntent\": \"pi_1\"}"))).isNotEqualTo(stored.payloadHash());
    }
}
