package dev.feedsearch.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.feedsearch.core.model.PostJson;
import dev.feedsearch.indexer.dynamodb.ItemMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The operations page at {@code /ops} in headless Chromium against the real {@code serve} over DynamoDB Local. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpsBrowserTest {
    private ConsoleServer server;
    private Browser browser;

    @BeforeAll
    void start() throws Exception {
        server = ConsoleServer.shared();
        browser = Browser.shared();
    }

    @AfterEach
    void wideAgain() {
        browser.driver.manage().window().setSize(new Dimension(1200, 900));
    }

    @Test
    void refusesWithoutTheToken() throws Exception {
        openOps();
        assertThat(browser.driver.findElement(By.id("dashboard")).isDisplayed()).isFalse();
        login("not-the-admin-token-at-all");
        WebElement alert = browser.driver.findElement(By.id("login-status"));
        browser.waitFor().until(d -> alert.getText().startsWith("Refused"));
        assertThat(alert.getText()).contains("wrong admin token");
        assertThat(browser.driver.findElement(By.id("dashboard")).isDisplayed()).isFalse();
        assertThat(browser.driver.findElements(By.cssSelector("#jobs-table, #dlq-table")))
                .isEmpty();
        // the endpoints the page polls refuse a caller without the token just the same
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.base() + "/admin/overview"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
    }

    @Test
    void aReindexStartedFromThePageReachesSwappedWithItsProgressBarMoving() throws Exception {
        openOps();
        login(ConsoleServer.ADMIN_TOKEN);
        browser.waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("reindex-form")));
        browser.driver.findElement(By.id("reindex-groups")).sendKeys("ja");
        // throttled so the copy spans several polls of the page
        WebElement throttle = browser.driver.findElement(By.id("reindex-throttle"));
        throttle.clear();
        throttle.sendKeys("25");
        WebElement batch = browser.driver.findElement(By.id("reindex-batch"));
        batch.clear();
        batch.sendKeys("10");
        browser.driver.findElement(By.id("reindex-start")).click();
        browser.waitFor()
                .until(d -> browser.driver
                        .findElement(By.id("reindex-status"))
                        .getText()
                        .startsWith("Started"));
        String job =
                browser.driver.findElement(By.id("reindex-status")).getText().replaceAll("^Started (\\S+)\\.$", "$1");
        By row = By.cssSelector("#jobs-table tr[data-job='" + job + "']");
        List<Long> seen = new ArrayList<>();
        long[] total = {-1};
        // the page re-renders its rows on every poll: read the row in one script call, never through a held element
        String read = "const r = document.querySelector(\"#jobs-table tr[data-job='\" + arguments[0] + \"']\");"
                + "if (!r) return null; const p = r.querySelector('progress');"
                + "return [r.dataset.state, p.getAttribute('value'), p.getAttribute('max')];";
        new org.openqa.selenium.support.ui.WebDriverWait(
                        browser.driver, java.time.Duration.ofSeconds(120), java.time.Duration.ofMillis(50))
                .until(d -> {
                    Object got = ((org.openqa.selenium.JavascriptExecutor) d).executeScript(read, job);
                    if (!(got instanceof List<?> l)) return false;
                    if (l.get(1) != null && l.get(2) != null) {
                        long v = (long) Double.parseDouble(l.get(1).toString());
                        if (seen.isEmpty() || seen.getLast() != v) seen.add(v);
                        total[0] = (long) Double.parseDouble(l.get(2).toString());
                    }
                    return "SWAPPED".equals(l.get(0));
                });
        assertThat(seen).as("progress values shown").isSorted();
        assertThat(seen).as("a value between empty and full was shown").anyMatch(v -> v > 0 && v < total[0]);
        assertThat(seen.getLast()).isEqualTo(total[0]);
        WebElement swapped = browser.driver.findElement(row);
        assertThat(swapped.findElements(By.cssSelector("button[data-action='rollback']")))
                .hasSize(1);
        browser.screenshot("ops");
    }

    @Test
    void aDeadLetterAppearsAfterABadRecordIsIngested() throws Exception {
        openOps();
        login(ConsoleServer.ADMIN_TOKEN);
        browser.waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("dlq-table")));
        // an app writes a post without visibility: the stream refuses it rather than guess it public
        ObjectNode bad = PostJson.MAPPER
                .createObjectNode()
                .put("id", "console-bad-1")
                .put("author_id", "u1")
                .put("text", "a post that forgot its visibility")
                .put("created_at", "2026-11-01T12:00:00Z")
                .put("version", 1);
        server.ddb.putItem(b -> b.tableName("posts").item(ItemMapper.toItem(bad)));
        browser.waitFor()
                .until(d -> d.findElements(By.cssSelector("#dlq-table tbody tr")).stream()
                        .anyMatch(tr -> tr.getText().contains("visibility")));
        WebElement entry = browser.driver.findElements(By.cssSelector("#dlq-table tbody tr")).stream()
                .filter(tr -> tr.getText().contains("visibility"))
                .findFirst()
                .orElseThrow();
        assertThat(entry.getText()).contains("dynamodb:posts");
        assertThat(Long.parseLong(browser.driver.findElement(By.id("dlq-count")).getText()))
                .isGreaterThanOrEqualTo(1);
        // the streams panel shows both tables with their checkpoints
        assertThat(browser.driver.findElements(By.cssSelector("#streams-table tr[data-source]")))
                .extracting(e -> e.getAttribute("data-source"))
                .contains("dynamodb:posts", "dynamodb:follows");
        browser.screenshot("ops-dead-letters");
        // still invalid today: a replay keeps it, and says so
        browser.driver.findElement(By.id("dlq-replay")).click();
        browser.waitFor()
                .until(d -> d.findElement(By.id("dlq-status")).getText().contains("still refused"));
        assertThat(browser.driver.findElement(By.id("dlq-status")).getText()).startsWith("Replayed 0;");
    }

    @Test
    void readableAt360PixelsWide() throws Exception {
        browser.driver.manage().window().setSize(new Dimension(360, 800));
        openOps();
        login(ConsoleServer.ADMIN_TOKEN);
        browser.waitFor()
                .until(d -> !d.findElements(By.cssSelector("#groups-table tbody tr"))
                        .isEmpty());
        // wide tables scroll inside their own box; the page itself does not
        assertThat(browser.fitsWidth()).isTrue();
    }

    private void openOps() {
        browser.driver.get("about:blank");
        browser.driver.get(server.base() + "/ops");
        browser.waitFor().until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    }

    private void login(String token) {
        WebElement field = browser.driver.findElement(By.id("token"));
        field.sendKeys(token);
        browser.driver.findElement(By.id("login-submit")).click();
    }
}
