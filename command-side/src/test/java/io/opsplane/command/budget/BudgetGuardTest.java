package io.opsplane.command.budget;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opsplane.command.budget.BudgetProperties.Budget;
import io.opsplane.command.budget.BudgetProperties.BudgetAction;
import io.opsplane.platform.problem.ApiException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.data.mongodb.core.MongoTemplate;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Budgets against the embedded store: what fits, what is refused, and what is counted once. */
class BudgetGuardTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOON = Instant.parse("2026-11-24T12:00:00Z");
    private static final Budget REFUNDS_PER_TENANT = new Budget("billing.refund", "refund-amount", "/amount",
            "/tenant", new BigDecimal("500"), Duration.ofDays(1), "USD", BudgetAction.REFUSE);
    private static final Budget USERS_DISABLED = new Budget("users.disable", null, null, null, new BigDecimal("2"),
            Duration.ofHours(1), null, BudgetAction.ESCALATE);

    private MongoServer server;
    private MongoClient client;
    private SimpleMeterRegistry meters;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
        meters = new SimpleMeterRegistry();
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    private BudgetGuard guard(Instant now, Budget... budgets) {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("meters", meters);
        return new BudgetGuard(new BudgetLedger(new MongoTemplate(client, "opsplane")),
                new BudgetProperties(List.of(budgets)), Clock.fixed(now, ZoneOffset.UTC),
                beans.getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class));
    }

    private static JsonNode refund(String tenant, String amount) throws Exception {
        return JSON.readTree("{\"tenant\":\"" + tenant + "\",\"amount\":" + amount + "}");
    }

    @Test
    void refusesARefundThatWouldTakeTheTenantOverItsDailyBudget() throws Exception {
        BudgetGuard guard = guard(NOON, REFUNDS_PER_TENANT);
        guard.spend("billing.refund", refund("acme", "300.10"), "ex_1");
        guard.spend("billing.refund", refund("acme", "199.90"), "ex_2");
        assertThatThrownBy(() -> guard.spend("billing.refund", refund("acme", "0.01"), "ex_3"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.code()).isEqualTo("budget_exceeded");
                    assertThat(e.extensions()).containsEntry("budget", "refund-amount")
                            .containsEntry("partition", "acme").containsEntry("unit", "USD")
                            .containsEntry("used", new BigDecimal("500"));
                    assertThat(e.headers()).containsEntry("Retry-After", Long.toString(Duration.ofHours(12).toSeconds()));
                });
        guard.spend("billing.refund", refund("globex", "500"), "ex_4");
        assertThat(meters.get("opsplane.budget.spent").tag("budget", "refund-amount").counter().count())
                .isEqualTo(1000.0);
        assertThat(meters.get("opsplane.budget.exceeded").tag("action", "refuse").counter().count()).isEqualTo(1.0);
    }

    @Test
    void theSameExecutionIsChargedOnceHoweverOftenItIsRetried() throws Exception {
        BudgetGuard guard = guard(NOON, REFUNDS_PER_TENANT);
        for (int i = 0; i < 3; i++) {
            guard.spend("billing.refund", refund("acme", "400"), "ex_same");
        }
        assertThatThrownBy(() -> guard.spend("billing.refund", refund("acme", "200"), "ex_other"))
                .isInstanceOf(ApiException.class);
    }

    @Test
    void aNewWindowStartsWithTheWholeBudget() throws Exception {
        guard(NOON, REFUNDS_PER_TENANT).spend("billing.refund", refund("acme", "500"), "ex_1");
        BudgetGuard nextDay = guard(NOON.plus(Duration.ofHours(12)), REFUNDS_PER_TENANT);

        assertThatCode(() -> nextDay.spend("billing.refund", refund("acme", "500"), "ex_2"))
                .doesNotThrowAnyException();
        assertThat(meters.get("opsplane.budget.spent").tag("budget", "refund-amount").counter().count())
                .isEqualTo(1000.0);
        assertThatThrownBy(() -> nextDay.spend("billing.refund", refund("acme", "0.01"), "ex_3"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo("budget_exceeded");
                    assertThat(e.extensions()).containsEntry("used", new BigDecimal("500"));
                    assertThat(e.headers()).containsEntry("Retry-After", Long.toString(Duration.ofDays(1).toSeconds()));
                });
    }

    @Test
    void aCountBudgetEscalatesTheThirdExecutionAndChargesNothingForIt() throws Exception {
        BudgetGuard guard = guard(NOON, USERS_DISABLED);
        JsonNode input = JSON.readTree("{\"user\":\"u1\"}");
        guard.spend("users.disable", input, "ex_1");
        guard.spend("users.disable", input, "ex_2");
        assertThatThrownBy(() -> guard.spend("users.disable", input, "ex_3"))
                .isInstanceOfSatisfying(BudgetEscalation.class, e -> {
                    assertThat(e.code()).isEqualTo("budget_exceeded");
                    assertThat(e.budget()).isEqualTo("executions");
                    assertThat(e.extensions()).containsEntry("action", "escalate").containsEntry("used",
                            new BigDecimal("2"));
                });
        guard.spend("other.tool", input, "ex_4");
        assertThat(meters.get("opsplane.budget.exceeded").tag("action", "escalate").counter().count()).isEqualTo(1.0);
    }

    @Test
    void anApprovedExecutionIsChargedPastAnEscalateBudgetOnceButARefuseBudgetStillRefusesIt() throws Exception {
        BudgetGuard guard = guard(NOON, USERS_DISABLED);
        JsonNode input = JSON.readTree("{\"user\":\"u1\"}");
        guard.spend("users.disable", input, "ex_1");
        guard.spend("users.disable", input, "ex_2");
        guard.spendApproved("users.disable", input, "ex_approved");
        guard.spendApproved("users.disable", input, "ex_approved");
        assertThatThrownBy(() -> guard.spend("users.disable", input, "ex_next"))
                .isInstanceOfSatisfying(BudgetEscalation.class,
                        e -> assertThat(e.extensions()).containsEntry("used", new BigDecimal("3")));

        BudgetGuard refusing = guard(NOON, REFUNDS_PER_TENANT);
        refusing.spend("billing.refund", refund("acme", "500"), "ex_r1");
        assertThatThrownBy(() -> refusing.spendApproved("billing.refund", refund("acme", "1"), "ex_r2"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e).isNotInstanceOf(BudgetEscalation.class);
                    assertThat(e.code()).isEqualTo("budget_exceeded");
                });
    }

    @Test
    void aRefuseBudgetRefusesEvenWhenAnEscalateBudgetWouldHaveEscalatedFirst() throws Exception {
        Budget escalateAll = new Budget("billing.refund", "all-tenants", "/amount", null, new BigDecimal("100"),
                Duration.ofDays(1), "USD", BudgetAction.ESCALATE);
        BudgetGuard guard = guard(NOON, escalateAll, REFUNDS_PER_TENANT);
        guard.spend("billing.refund", refund("acme", "90"), "ex_1");
        assertThatThrownBy(() -> guard.spend("billing.refund", refund("globex", "20"), "ex_2"))
                .isInstanceOf(BudgetEscalation.class);
        assertThatThrownBy(() -> guard.spend("billing.refund", refund("acme", "420"), "ex_3"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e).isNotInstanceOf(BudgetEscalation.class);
                    assertThat(e.extensions()).containsEntry("budget", "refund-amount");
                });
        guard.spend("billing.refund", refund("globex", "10"), "ex_4");
    }

    @Test
    void aRefusalByOneBudgetTakesBackWhatTheOthersWereCharged() throws Exception {
        Budget perTool = new Budget("billing.refund", "all-tenants", "/amount", null, new BigDecimal("1000"),
                Duration.ofDays(1), "USD", BudgetAction.REFUSE);
        BudgetGuard guard = guard(NOON, perTool, REFUNDS_PER_TENANT);
        guard.spend("billing.refund", refund("acme", "450"), "ex_1");
        assertThatThrownBy(() -> guard.spend("billing.refund", refund("acme", "100"), "ex_2"))
                .isInstanceOf(ApiException.class);
        guard.spend("billing.refund", refund("globex", "500"), "ex_3");
        guard.spend("billing.refund", refund("initech", "50"), "ex_4");
        assertThatThrownBy(() -> guard.spend("billing.refund", refund("initech", "0.01"), "ex_5"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.extensions())
                        .containsEntry("budget", "all-tenants"));
    }

    @Test
    void concurrentChargesFromTwoInstancesNeverOverspend() throws Exception {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("meters", meters);
        InetSocketAddress address = server.getLocalAddress();
        try (MongoClient other = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort())) {
            List<BudgetGuard> instances = List.of(guard(NOON, REFUNDS_PER_TENANT),
                    new BudgetGuard(new BudgetLedger(new MongoTemplate(other, "opsplane")),
                            new BudgetProperties(List.of(REFUNDS_PER_TENANT)), Clock.fixed(NOON, ZoneOffset.UTC),
                            beans.getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class)));
            ExecutorService threads = Executors.newFixedThreadPool(8);
            try {
                List<Callable<Boolean>> charges = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    BudgetGuard instance = instances.get(i % 2);
                    String id = "ex_" + i;
                    charges.add(() -> {
                        try {
                            instance.spend("billing.refund", refund("acme", "25"), id);
                            return true;
                        } catch (ApiException e) {
                            return false;
                        }
                    });
                }
                long accepted = 0;
                for (Future<Boolean> result : threads.invokeAll(charges)) {
                    accepted += result.get() ? 1 : 0;
                }
                assertThat(accepted).isEqualTo(20);
            } finally {
                threads.shutdownNow();
            }
        }
    }
}
