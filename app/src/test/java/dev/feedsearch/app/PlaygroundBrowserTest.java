package dev.feedsearch.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.feedsearch.core.model.PostJson;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The playground at {@code /} in headless Chromium against the real {@code serve} over the sample: what a person types
 * shows what the API answers, marked, explained and paged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlaygroundBrowserTest {
    private ConsoleServer server;
    private Browser browser;
    private final HttpClient http = HttpClient.newHttpClient();

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
    void typingAJapaneseAndAGermanQueryShowsWhatTheApiFinds() throws Exception {
        open("/");
        type("人権");
        List<String> ja = shownIds();
        assertThat(ja).isEqualTo(apiIds("/v1/search?q=" + enc("人権") + "&limit=20"));
        assertThat(langs()).first().isEqualTo("ja");
        // each Japanese hit shows 人権 marked
        for (WebElement hit : hits()) {
            if (!hit.findElement(By.cssSelector(".lang")).getText().equals("ja")) continue;
            assertThat(hit.findElements(By.tagName("mark")))
                    .extracting(WebElement::getText)
                    .contains("人権");
        }
        browser.screenshot("playground");

        type("Menschenrechte");
        assertThat(shownIds())
                .isEqualTo(apiIds("/v1/search?q=Menschenrechte&limit=20"))
                .doesNotContainAnyElementsOf(ja);
        assertThat(langs()).first().isEqualTo("de");
        assertThat(browser.driver.getCurrentUrl()).contains("#q=Menschenrechte");
    }

    @Test
    void theExplanationOpensAsABarPerFeature() throws Exception {
        open("/");
        type("freedom");
        WebElement first = hits().getFirst();
        WebElement why = first.findElement(By.cssSelector("button.why"));
        WebElement box = first.findElement(By.cssSelector(".explain"));
        assertThat(box.isDisplayed()).isFalse();
        why.sendKeys(Keys.ENTER); // the keyboard opens it as a click would
        browser.waitFor().until(ExpectedConditions.visibilityOf(box));
        assertThat(why.getAttribute("aria-expanded")).isEqualTo("true");
        List<String> features = box.findElements(By.cssSelector("dd[data-feature]")).stream()
                .map(d -> d.getAttribute("data-feature"))
                .toList();
        assertThat(features).contains("text", "exact", "recency", "engagement");
        assertThat(box.getText()).contains("tier:");
        // the largest contribution fills its track
        assertThat(box.findElements(By.cssSelector(".fill")).stream().map(f -> f.getAttribute("style")))
                .anyMatch(s -> s.contains("width: 100%"));
        browser.screenshot("playground-explain");
        why.click();
        assertThat(box.isDisplayed()).isFalse();
    }

    @Test
    void pagingByCursorShowsNoPostTwice() throws Exception {
        open("/#q=rights&limit=10");
        browser.waitFor().until(d -> hits().size() == 10);
        for (int page = 2; page <= 4; page++) {
            int want = page * 10;
            browser.driver.findElement(By.id("search-more")).click();
            browser.waitFor().until(d -> hits().size() >= want);
        }
        List<String> ids = shownIds();
        assertThat(ids).hasSize(40).doesNotHaveDuplicates();
        assertThat(new Select(browser.driver.findElement(By.id("limit")))
                        .getFirstSelectedOption()
                        .getText())
                .isEqualTo("10");
    }

    @Test
    void aPrivatePostShowsOnlyForAViewerWhoMaySeeIt() throws Exception {
        JsonNode secret = server.posts.values().stream()
                .filter(p -> p.path("visibility").asText().equals("private")
                        && !p.path("deleted").asBoolean(false))
                .findFirst()
                .orElseThrow();
        String author = secret.get("author_id").asText(), id = secret.get("id").asText();
        String listing = "/#author=" + author + "&sort=recent&limit=50";
        open(listing);
        browser.waitFor().until(d -> status().contains("post"));
        assertThat(shownIds()).doesNotContain(id);
        open(listing + "&viewer=" + author);
        browser.waitFor().until(d -> shownIds().contains(id));
        assertThat(browser.driver.findElement(By.id("viewer")).getAttribute("value"))
                .isEqualTo(author);
    }

    @Test
    void theFeedOfAChosenViewerComesWithTheSameExplanation() throws Exception {
        open("/#view=feed&viewer=u3");
        browser.waitFor().until(d -> !hits("feed").isEmpty());
        assertThat(hits("feed").stream().map(h -> h.getAttribute("data-id")).toList())
                .isEqualTo(apiIds("/v1/feed?viewer=u3&limit=20"));
        WebElement first = hits("feed").getFirst();
        first.findElement(By.cssSelector("button.why")).click();
        assertThat(first.findElements(By.cssSelector(".explain dd[data-feature]")))
                .extracting(e -> e.getAttribute("data-feature"))
                .contains("affinity", "recency");
        browser.screenshot("playground-feed");
    }

    @Test
    void theHitsOwnHighlightsWinOverTheQueryWords() {
        open("/");
        // markRanges is the page's own function: an API that sends highlights ([start, end) in UTF-16) decides
        Object fromApi = ((org.openqa.selenium.JavascriptExecutor) browser.driver)
                .executeScript("return markRanges({text: 'Würde und Rechte', highlights: [[10, 16]]}, 'Würde')");
        assertThat(fromApi).isEqualTo(List.of(List.of(10L, 16L)));
        // without them the query's words are found, case aside, at their UTF-16 offsets (𝒳 is two code units)
        Object fromQuery = ((org.openqa.selenium.JavascriptExecutor) browser.driver)
                .executeScript("return markRanges({text: '𝒳 Würde und würde'}, 'WÜRDE #tag')");
        assertThat(fromQuery).isEqualTo(List.of(List.of(3L, 8L), List.of(13L, 18L)));
    }

    @Test
    void readableAt360PixelsWide() throws Exception {
        browser.driver.manage().window().setSize(new Dimension(360, 800));
        open("/#q=" + enc("人権"));
        browser.waitFor().until(d -> !hits().isEmpty());
        assertThat(browser.fitsWidth()).as("nothing scrolls sideways at 360 px").isTrue();
        // every input has a label a screen reader announces
        for (WebElement input : browser.driver.findElements(By.cssSelector("input, select"))) {
            String id = input.getAttribute("id");
            assertThat(browser.driver.findElements(By.cssSelector("label[for='" + id + "']")))
                    .as("label for #%s", id)
                    .hasSize(1);
        }
        browser.screenshot("playground-360px");
    }

    // ------------------------------------------------------------------ helpers

    private void open(String path) {
        browser.driver.get("about:blank"); // a new document: a fragment-only change would not reload the page
        browser.driver.get(server.base() + path);
        browser.waitFor()
                .until(d -> !status().isEmpty()
                        || !hits().isEmpty()
                        || !hits("feed").isEmpty());
    }

    /** Replaces the query text and waits until the page shows the answer to it (debounced, then fetched). */
    private void type(String query) {
        WebElement q = browser.driver.findElement(By.id("q"));
        q.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        q.sendKeys(query);
        browser.waitFor()
                .until(d -> browser.driver
                                .getCurrentUrl()
                                .contains("q=" + enc(query).replace("+", "%20"))
                        || browser.driver.getCurrentUrl().contains("q=" + enc(query)));
        browser.waitFor().until(d -> status().contains("post"));
    }

    private String status() {
        return browser.driver.findElement(By.id("search-status")).getText();
    }

    private List<WebElement> hits() {
        return hits("search");
    }

    private List<WebElement> hits(String list) {
        return browser.driver.findElements(By.cssSelector("#" + list + "-results > li.hit"));
    }

    private List<String> shownIds() {
        return hits().stream().map(h -> h.getAttribute("data-id")).toList();
    }

    private List<String> langs() {
        return hits().stream()
                .map(h -> h.findElement(By.cssSelector(".lang")).getText())
                .toList();
    }

    private List<String> apiIds(String pathAndQuery) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(server.base() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode h : PostJson.MAPPER.readTree(r.body()).get("hits"))
            ids.add(h.get("id").asText());
        return ids;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
