package dev.feedsearch.app;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver (both installed by {@code .ci/run}). A browser that
 * cannot start fails the test with the reason: these tests are never skipped.
 */
final class Browser implements AutoCloseable {
    private static final Path CHROMIUM =
            Path.of(System.getenv().getOrDefault("FEEDSEARCH_CHROMIUM", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER =
            Path.of(System.getenv().getOrDefault("FEEDSEARCH_CHROMEDRIVER", "/usr/bin/chromedriver"));
    /** Where screenshots go for people to look at. */
    static final Path SHOTS = Path.of("target", "console-screenshots");

    /** chromedriver's log (Chromium's own complaints about a missing D-Bus and such land here, not in the test output). */
    private static final Path LOG = Path.of("target", "chromedriver.log");

    final WebDriver driver;

    private Browser(WebDriver driver) {
        this.driver = driver;
    }

    private static Browser shared;

    /** One Chromium for every browser test class of this JVM; quit at exit so no browser outlives the tests. */
    static synchronized Browser shared() {
        if (shared == null) {
            shared = start(1200, 900);
            Browser b = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(b::close));
        }
        return shared;
    }

    static Browser start(int width, int height) {
        for (Path p : new Path[] {CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(p)) {
                throw new AssertionError(
                        p
                                + " is missing: install Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
            }
        }
        try {
            Files.createDirectories(LOG.getParent());
            ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
            // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
            options.addArguments(
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-extensions",
                    "--window-size=" + width + "," + height,
                    "--lang=en-US");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .withLogFile(LOG.toFile())
                    .build();
            return new Browser(new ChromeDriver(service, options));
        } catch (RuntimeException | java.io.IOException e) {
            throw new AssertionError(
                    "headless Chromium could not start: " + e.getMessage() + " (see " + LOG.toAbsolutePath() + ")", e);
        }
    }

    /** Waits for what the page shows (a bound so a broken page fails instead of hanging; never a speed check). */
    WebDriverWait waitFor() {
        return new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(50));
    }

    void screenshot(String name) throws Exception {
        Files.createDirectories(SHOTS);
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Whether the page fits the window's width (nothing to scroll sideways). */
    boolean fitsWidth() {
        Object fits = ((org.openqa.selenium.JavascriptExecutor) driver)
                .executeScript("return document.documentElement.scrollWidth <= window.innerWidth");
        return Boolean.TRUE.equals(fits);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
