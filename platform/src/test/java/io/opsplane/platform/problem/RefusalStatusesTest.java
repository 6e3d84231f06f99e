package io.opsplane.platform.problem;

import io.opsplane.api.refusal.Refusal;
import io.opsplane.api.refusal.RefusalReason;
import org.axonframework.commandhandling.CommandExecutionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every refusal reason answers with the status, code and title API.md gives it. */
class RefusalStatusesTest {

    static Stream<Arguments> contract() {
        return Stream.of(
                Arguments.of(RefusalReason.INVALID_STATE, 409, "invalid_state", "Invalid state"),
                Arguments.of(RefusalReason.NOT_REQUESTER, 403, "forbidden", "Forbidden"),
                Arguments.of(RefusalReason.AGENT_CANNOT_APPROVE, 403, "agent_cannot_approve", "Agents cannot approve"),
                Arguments.of(RefusalReason.SELF_APPROVAL, 403, "self_approval_forbidden", "Self-approval forbidden"),
                Arguments.of(RefusalReason.ALREADY_APPROVED_BY_YOU, 409, "already_approved_by_you",
                        "Already approved by you"),
                Arguments.of(RefusalReason.APPROVAL_EXPIRED, 410, "approval_expired", "Approval expired"),
                Arguments.of(RefusalReason.ALREADY_EXECUTED, 409, "already_executed", "Already executed"),
                Arguments.of(RefusalReason.NOT_APPROVED, 409, "not_approved", "Not approved"),
                Arguments.of(RefusalReason.PAYLOAD_MISMATCH, 409, "payload_mismatch", "Payload mismatch"),
                Arguments.of(RefusalReason.PLAN_DRIFT, 409, "plan_drift", "Plan drift"),
                Arguments.of(RefusalReason.REASON_REQUIRED, 400, "invalid_input", "Invalid input"),
                Arguments.of(RefusalReason.AGENT_KEY_WITHOUT_OWNER, 400, "invalid_input", "Invalid input"),
                Arguments.of(RefusalReason.HUMAN_KEY_WITH_OWNER, 400, "invalid_input", "Invalid input"));
    }

    @ParameterizedTest
    @MethodSource("contract")
    void answersEachReasonAsTheContractSays(RefusalReason reason, int status, String code, String title) {
        ApiException problem = RefusalStatuses.problemOf(new Refusal(reason, "is required"));

        assertThat(problem.status()).isEqualTo(status);
        assertThat(problem.code()).isEqualTo(code);
        assertThat(problem.title()).isEqualTo(title);
    }

    @Test
    void theContractNamesEveryReason() {
        assertThat(contract().map(arguments -> arguments.get()[0]))
                .containsExactlyInAnyOrder((Object[]) RefusalReason.values());
    }

    @Test
    void keepsTheRefusalsDetail() {
        ApiException problem = RefusalStatuses.problemOf(new Refusal(RefusalReason.NOT_APPROVED,
                "approval request apr_1 has 1 of the 2 approval(s) it needs"));

        assertThat(problem.detail()).isEqualTo("approval request apr_1 has 1 of the 2 approval(s) it needs");
        assertThat(problem.extensions()).isEmpty();
    }

    @Test
    void answersAMissingReasonAsInvalidInputOnTheReasonField() {
        ApiException problem = RefusalStatuses.problemOf(new Refusal(RefusalReason.REASON_REQUIRED, "is required"));

        assertThat(problem.detail()).isEqualTo("/reason: is required");
        assertThat(problem.extensions()).isEqualTo(Map.of("errors", List.of(new FieldError("/reason", "is required"))));
    }

    @Test
    void answersAnOwnerAgainstTheKeysKindAsInvalidInputOnTheOwnerField() {
        for (RefusalReason reason : List.of(RefusalReason.AGENT_KEY_WITHOUT_OWNER, RefusalReason.HUMAN_KEY_WITH_OWNER)) {
            ApiException problem = RefusalStatuses.problemOf(new Refusal(reason, "only agent keys have an owner"));

            assertThat(problem.detail()).isEqualTo("/owner: only agent keys have an owner");
            assertThat(problem.extensions()).isEqualTo(Map.of("errors",
                    List.of(new FieldError("/owner", "only agent keys have an owner"))));
        }
    }

    @Test
    void findsARefusalTheCommandBusWrapped() {
        Refusal refusal = new Refusal(RefusalReason.PLAN_DRIFT, "drifted");

        assertThat(RefusalStatuses.problemIn(new CommandExecutionException("wrapped", refusal)))
                .hasValueSatisfying(problem -> {
                    assertThat(problem.status()).isEqualTo(409);
                    assertThat(problem.code()).isEqualTo("plan_drift");
                    assertThat(problem.detail()).isEqualTo("drifted");
                });
    }

    @Test
    void findsAProblemAsItIsAndNothingInAnOrdinaryFailure() {
        ApiException notFound = ApiException.notFound("tool_not_found", "no tool");

        assertThat(RefusalStatuses.problemIn(new RuntimeException(notFound))).containsSame(notFound);
        assertThat(RefusalStatuses.problemIn(new IllegalStateException("boom"))).isEmpty();
    }

    @Test
    void theProblemHandlerAnswersARefusalFromTheTable() {
        ResponseEntity<ProblemDetail> answer = new ProblemHandler().refused(
                new Refusal(RefusalReason.APPROVAL_EXPIRED, "approval request apr_1 has expired"));

        assertThat(answer.getStatusCode().value()).isEqualTo(410);
        assertThat(answer.getBody().getTitle()).isEqualTo("Approval expired");
        assertThat(answer.getBody().getDetail()).isEqualTo("approval request apr_1 has expired");
        assertThat(answer.getBody().getProperties()).containsEntry("code", "approval_expired");
    }
}
