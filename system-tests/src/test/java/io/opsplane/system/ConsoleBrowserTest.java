package io.opsplane.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator console in a real browser (headless Chromium), on the whole running system through
 * its base URL: what an operator does in it, and the bad moments it must say in words.
 */
class ConsoleBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    private static RunningSystem system;
    private static HealthTarget target;
    private Browser browser;

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeInstalled();
        target = HealthTarget.start();
        system = RunningSystem.start(dataDir);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (target != null) {
            target.close();
        }
    }

    @BeforeEach
    void openBrowser() throws Exception {
        browser = Browser.launch();
    }

    @AfterEach
    void closeBrowser() throws Exception {
        browser.close();
    }

    @Test
    void signInRefusesAWrongKeyInWordsAndAcceptsTheAdminKeyWithEveryLink() throws Exception {
        browser.driver.get(system.baseUrl() + "/");
        browser.find(By.id("api-key"));
        browser.screenshot("sign-in");
        signIn("not-a-key");
        assertThat(browser.find(By.cssSelector("#sign-in-status [role=alert]")).getText())
                .contains("was not accepted");
        assertThat(browser.driver.executeScript("return sessionStorage.getItem('opsplane.apiKey')")).isNull();

        signIn(system.adminKey());
        browser.find(By.linkText("Approvals"));
        for (String link : List.of("Approvals", "Executions", "Events", "Metrics", "Tools", "API keys")) {
            assertThat(browser.find(By.linkText(link)).isDisplayed()).as(link).isTrue();
        }
        assertThat(browser.driver.executeScript("return sessionStorage.getItem('opsplane.apiKey')"))
                .isEqualTo(system.adminKey());
        assertThat(browser.driver.executeScript("return localStorage.length")).isEqualTo(0L);
    }

    @Test
    void aSecondPersonApprovesFromTheInboxAndTheRequesterIsRefusedInWords() throws Exception {
        String requester = system.issueKey(human("alice@example.com", "approvals:request", "approvals:approve")).path("key").asText();
        String approver = system.issueKey(human("bob@example.com", "approvals:approve")).path("key").asText();
        String id = requestApproval(requester, "inbox");

        signInAt("#/approvals", requester);
        WebElement card = card(id);
        card.findElement(By.xpath(".//button[text()='Approve']")).click();
        WebElement requesterCard = card;
        assertThat(browser.await(d -> requesterCard.findElements(By.cssSelector(".card-status [role=alert]")).stream().findFirst().orElse(null)).getText())
                .contains("cannot approve your own request");

        browser.find(By.xpath("//button[text()='Sign out']")).click();
        signIn(approver);
        card = card(id);
        assertThat(card.getText()).contains("service.healthcheck", "alice@example.com", "inbox", "0 of 1", "expires in");
        assertThat(card.findElement(By.cssSelector(".effects")).getText()).isNotBlank();
        browser.screenshot("approvals");
        WebElement comment = card.findElement(By.xpath(".//label[text()='Comment']/following-sibling::textarea"));
        comment.sendKeys("looks right");
        card.findElement(By.xpath(".//button[text()='Approve']")).click();
        assertThat(browser.find(By.cssSelector("#approvals-notice [role=status]")).getText())
                .contains("You approved the request for service.healthcheck");
        browser.await(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-request-id='" + id + "']"), 0));
        assertThat(browser.find(By.id("history-heading")).findElement(By.xpath("..")).getText())
                .contains("approved", "bob@example.com (\"looks right\")");
        assertThat(approvalStatus(id)).isEqualTo("approved");
    }

    @Test
    void anApprovalDecidedMeanwhileIsSaidAndTheInboxRefreshes() throws Exception {
        String requester = system.issueKey(human("carol@example.com", "approvals:request", "tools:read")).path("key").asText();
        String approver = system.issueKey(human("dave@example.com", "approvals:approve")).path("key").asText();
        String id = requestApproval(requester, "meanwhile");
        signInAt("#/approvals", approver);
        card(id);

        HttpResponse<String> rejected = system.post("/v1/approval-requests/" + id + "/reject", system.adminKey(),
                "{\"reason\":\"not today\"}");
        assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);
        card(id).findElement(By.xpath(".//button[text()='Approve']")).click();

        assertThat(browser.find(By.cssSelector("#approvals-notice [role=alert]")).getText())
                .contains("was decided meanwhile", "rejected", "refreshed");
        browser.await(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-request-id='" + id + "']"), 0));
    }

    @Test
    void anExecutionShowsItsTimeline() throws Exception {
        JsonNode execution = execute("timeline");
        signInAt("#/executions", system.adminKey());
        browser.find(By.cssSelector("table.executions"));
        browser.screenshot("executions");
        new Select(browser.find(By.id("filter-status"))).selectByValue("failed");
        browser.find(By.xpath("//button[text()='Filter']")).click();
        assertThat(browser.find(By.cssSelector("#executions-results .empty")).getText()).contains("No execution matches");
        new Select(browser.find(By.id("filter-status"))).selectByValue("succeeded");
        browser.find(By.id("filter-tool")).sendKeys("service.healthcheck");
        browser.find(By.xpath("//button[text()='Filter']")).click();
        browser.find(By.cssSelector("#executions-results[data-status='succeeded'] a[href='#/executions/"
                + execution.path("executionId").asText() + "']")).click();

        WebElement timeline = browser.find(By.cssSelector("ol.timeline"));
        browser.await(d -> timeline.findElements(By.cssSelector("li")).size() >= 3);
        List<String> types = timeline.findElements(By.cssSelector("li")).stream().map(li -> li.getAttribute("data-type")).toList();
        assertThat(types).contains("execution.requested", "execution.started", "execution.succeeded");
        assertThat(types.indexOf("execution.requested")).isLessThan(types.indexOf("execution.succeeded"));
        assertThat(browser.find(By.tagName("main")).getText()).contains("service.healthcheck", "succeeded", "timeline");
        browser.screenshot("execution");
    }

    @Test
    void theExecutionLogPagesThroughTheApisCursors() throws Exception {
        long position = 0;
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> planned = system.post("/v1/executions", system.adminKey(), "{\"tool\":\"service.healthcheck\","
                    + "\"mode\":\"plan\",\"input\":{\"url\":\"" + target.okUrl() + "\"}}");
            assertThat(planned.statusCode()).as(planned.body()).isEqualTo(200);
            position = JSON.readTree(planned.body()).path("position").asLong();
        }
        assertThat(system.get("/v1/executions?limit=1&minPosition=" + position, system.adminKey()).statusCode()).isEqualTo(200);
        signInAt("#/executions", system.adminKey());
        List<String> first = executionLinks(List.of());
        assertThat(first).hasSize(25);

        browser.find(By.xpath("//button[text()='Next page']")).click();
        List<String> second = executionLinks(first);
        assertThat(second).isNotEmpty().doesNotContainAnyElementsOf(first);
        browser.find(By.xpath("//button[text()='Previous page']")).click();
        assertThat(executionLinks(second)).isEqualTo(first);
    }

    /** The execution links of the page shown once it differs from {@code before}. */
    private List<String> executionLinks(List<String> before) {
        return browser.await(d -> {
            List<String> links = d.findElements(By.cssSelector("table.executions a")).stream()
                    .map(a -> a.getAttribute("href")).toList();
            return links.isEmpty() || links.equals(before) ? null : links;
        });
    }

    @Test
    void theLiveFeedReceivesANewEventAndResumesFromItsLastOneAfterAPause() throws Exception {
        signInAt("#/events", system.adminKey());
        browser.await(d -> "live".equals(d.findElement(By.id("feed-state")).getAttribute("data-state")));
        JsonNode execution = execute("live feed");

        String id = execution.path("executionId").asText();
        WebElement event = browser.find(By.xpath("//ol[@id='feed']/li[@data-type='execution.succeeded'][.//a[text()='" + id + "']]"));
        assertThat(event.getText()).contains("execution.succeeded");
        browser.screenshot("events");

        browser.find(By.xpath("//button[text()='Pause']")).click();
        assertThat(browser.find(By.id("feed-state")).getText()).startsWith("Paused");
        String whilePaused = execute("while paused").path("executionId").asText();
        assertThat(browser.driver.findElements(By.xpath("//ol[@id='feed']/li[.//a[text()='" + whilePaused + "']]"))).isEmpty();

        browser.find(By.xpath("//button[text()='Resume']")).click();
        browser.find(By.xpath("//ol[@id='feed']/li[@data-type='execution.succeeded'][.//a[text()='" + whilePaused + "']]"));
        assertThat(browser.find(By.id("feed-state")).getText()).contains("resumed after event");
    }

    @Test
    void metricsAreDrawnAsCharts() throws Exception {
        execute("metrics");
        signInAt("#/metrics", system.adminKey());
        browser.find(By.cssSelector("button[data-window='15m']")).click();
        WebElement bar = browser.find(By.cssSelector(
                "#metrics-body[data-window='15m'] svg.chart rect[data-tool='service.healthcheck'][data-series='executions']"));
        assertThat(Double.parseDouble(bar.getAttribute("data-value"))).isGreaterThanOrEqualTo(1);
        assertThat(Double.parseDouble(bar.getAttribute("width"))).isGreaterThan(0);
        assertThat(browser.driver.findElements(By.cssSelector("svg.chart"))).hasSize(3);
        assertThat(browser.find(By.cssSelector("ul.tiles")).getText()).contains("Pending approvals", "Rate-limited requests");
        browser.screenshot("metrics");
    }

    @Test
    void toolsShowTheirPolicyInWords() throws Exception {
        signInAt("#/tools", system.adminKey());
        WebElement refund = browser.find(By.cssSelector("article[data-tool='billing.refund']"));
        assertThat(refund.getText()).contains("Needs 1 approval when amount is more than", "Needs 2 approvals when amount is more than",
                "tools:execute");
        browser.screenshot("tools");
        browser.driver.manage().window().setSize(new Dimension(390, 844));
        browser.screenshot("tools-phone");
    }

    @Test
    void aKeyRevokedMidSessionReturnsToSignInWithASentence() throws Exception {
        JsonNode issued = system.issueKey(human("erin@example.com", "logs:read"));
        signInAt("#/executions", issued.path("key").asText());
        browser.find(By.id("filter-tool"));
        assertThat(browser.driver.findElements(By.linkText("API keys")).stream().filter(WebElement::isDisplayed)).isEmpty();

        assertThat(system.delete("/v1/api-keys/" + issued.path("id").asText(), system.adminKey()).statusCode()).isEqualTo(204);
        browser.await(d -> {
            if (d.findElements(By.id("api-key")).isEmpty()) {
                d.findElement(By.xpath("//button[text()='Filter']")).click();
                return false;
            }
            return true;
        });
        assertThat(browser.find(By.cssSelector("#sign-in-status [role=alert]")).getText()).contains("no longer accepted");
        assertThat(browser.driver.executeScript("return sessionStorage.getItem('opsplane.apiKey')")).isNull();
    }

    @Test
    void anAdminIssuesAKeyShownOnceAndRevokesIt() throws Exception {
        signInAt("#/api-keys", system.adminKey());
        browser.find(By.id("key-name")).sendKeys("console test");
        browser.find(By.id("key-principal")).sendKeys("frank@example.com");
        browser.find(By.cssSelector("input[name=scope][value='logs:read']")).click();
        browser.find(By.xpath("//button[text()='Issue key']")).click();
        String key = browser.find(By.id("issued-key")).getAttribute("value");
        assertThat(key).isNotBlank();
        assertThat(browser.find(By.xpath("//button[text()='Copy']")).isDisplayed()).isTrue();
        assertThat(system.get("/v1/executions?limit=1", key).statusCode()).isEqualTo(200);
        browser.screenshot("api-keys");

        WebElement revoke = browser.find(By.cssSelector("button[aria-label='Revoke console test']"));
        revoke.click();
        browser.find(By.cssSelector("button[aria-label='Revoke console test']")).click();
        browser.find(By.xpath("//tr[td[text()='console test']]//span[text()='revoked']"));
        assertThat(system.get("/v1/executions?limit=1", key).statusCode()).isEqualTo(401);
    }

    private void signIn(String key) {
        WebElement field = browser.find(By.id("api-key"));
        assertThat(browser.driver.findElement(By.cssSelector("label[for=api-key]")).getText()).isEqualTo("API key");
        field.clear();
        field.sendKeys(key);
        browser.find(By.xpath("//button[text()='Sign in']")).click();
    }

    private void signInAt(String page, String key) {
        browser.driver.get(system.baseUrl() + "/" + page);
        signIn(key);
        browser.find(By.linkText("Approvals"));
    }

    private WebElement card(String requestId) {
        return browser.find(By.cssSelector("article[data-request-id='" + requestId + "']"));
    }

    private String requestApproval(String key, String reason) throws Exception {
        HttpResponse<String> created = system.post("/v1/approval-requests", key, healthcheck(reason));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode request = JSON.readTree(created.body());
        String id = request.path("id").asText();
        HttpResponse<String> read = system.get("/v1/approval-requests/" + id + "?minPosition=" + request.path("position").asLong(), key);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        return id;
    }

    private String approvalStatus(String id) throws Exception {
        return JSON.readTree(system.get("/v1/approval-requests/" + id, system.adminKey()).body()).path("status").asText();
    }

    private JsonNode execute(String reason) throws Exception {
        HttpResponse<String> executed = system.post("/v1/executions", system.adminKey(), healthcheck(reason));
        assertThat(executed.statusCode()).as(executed.body()).isEqualTo(200);
        JsonNode execution = JSON.readTree(executed.body());
        HttpResponse<String> read = system.get("/v1/executions/" + execution.path("executionId").asText() + "?minPosition="
                + execution.path("position").asLong(), system.adminKey());
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        return execution;
    }

    private static String healthcheck(String reason) {
        return "{\"tool\":\"service.healthcheck\",\"input\":{\"url\":\"" + target.okUrl() + "\",\"expectStatus\":204},"
                + "\"reason\":\"" + reason + "\"}";
    }

    private static String human(String principal, String... scopes) {
        return "{\"name\":\"" + principal + "\",\"principal\":\"" + principal + "\",\"kind\":\"human\",\"scopes\":[\""
                + String.join("\",\"", scopes) + "\"]}";
    }
}
