package io.redischat.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Debian Chromium driven by Selenium through Debian's chromedriver: nothing is downloaded (no Selenium
 * Manager, {@code SE_OFFLINE=true} from the build), every start gets a fresh profile, and the browser is kept from
 * talking to anything but loopback. Screenshots go to {@code target/screenshots/<name>.png}.
 */
public final class ChromeBrowser implements AutoCloseable {

    public static final String CHROMIUM = "/usr/bin/chromium";
    public static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private ChromeBrowser(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /** A browser with a desktop-sized window. */
    public static ChromeBrowser start() {
        return start(1280, 900);
    }

    public static ChromeBrowser start(int width, int height) {
        for (String binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!new File(binary).canExecute()) {
                throw new IllegalStateException(binary + " is missing: apt-get install chromium chromium-driver");
            }
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("redis-chat-chromium-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                "--no-default-browser-check",
                "--disable-client-side-phishing-detection",
                "--disable-domain-reliability",
                "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication",
                // names other than the loopback ones resolve nowhere: the page under test is all there is
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                "--window-size=" + width + "," + height,
                "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .withSilent(true)
                .build();
        try {
            return new ChromeBrowser(service, new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            service.stop();
            deleteQuietly(profile);
            throw e;
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    public WebDriverWait waitUpTo(Duration timeout) {
        var wait = new WebDriverWait(driver, timeout, Duration.ofMillis(50));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    /** Makes the page lay out as on a phone (CSS pixels, touch-less), until {@link #desktopViewport()}. */
    public void phoneViewport(int width, int height) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", true));
    }

    public void desktopViewport() {
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    /** A WebSocket the page opened: its URL, the text frames it received, and the close code (null while open). */
    public record WebSocketLog(String url, List<String> received, Long closeCode) {
    }

    /** Stops what {@link #recordWebSockets()} started, for the page loads after it. */
    public interface Recording extends AutoCloseable {
        @Override
        void close();
    }

    private static final String RECORD_WEBSOCKETS = """
            (() => {
                const Native = window.WebSocket;
                const log = [];
                Object.defineProperty(window, '__recordedWebSockets', { value: log });
                window.WebSocket = class extends Native {
                    constructor(url, protocols) {
                        super(url, protocols);
                        const entry = { url: String(url), received: [], closeCode: null };
                        log.push(entry);
                        this.addEventListener('message', (e) => typeof e.data === 'string' && entry.received.push(e.data));
                        this.addEventListener('close', (e) => { entry.closeCode = e.code; });
                    }
                };
            })();
            """;

    /**
     * From the next page load on, the pages' WebSockets are recorded (see {@link #webSockets()}) until the returned
     * handle is closed. The recorder runs before the page's own scripts, outside its Content-Security-Policy.
     */
    public Recording recordWebSockets() {
        Map<String, Object> added = driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
                Map.of("source", RECORD_WEBSOCKETS));
        Object identifier = added.get("identifier");
        return () -> driver.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument",
                Map.of("identifier", identifier));
    }

    /** The WebSockets the current page opened since it loaded, oldest first (empty if not recorded). */
    @SuppressWarnings("unchecked")
    public List<WebSocketLog> webSockets() {
        List<Map<String, Object>> log = (List<Map<String, Object>>) driver.executeScript(
                "return window.__recordedWebSockets ?? []");
        return log.stream().map(entry -> new WebSocketLog((String) entry.get("url"),
                List.copyOf((List<String>) entry.get("received")), (Long) entry.get("closeCode"))).toList();
    }

    /** The visible viewport as {@code target/screenshots/<name>.png}. */
    public Path screenshot(String name) {
        return save(name, driver.getScreenshotAs(OutputType.BYTES));
    }

    /** The whole page, scrolled parts included, as {@code target/screenshots/<name>.png}. */
    public Path fullPageScreenshot(String name) {
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true));
        return save(name, Base64.getDecoder().decode((String) shot.get("data")));
    }

    /**
     * What the page reported as broken since the last call: uncaught script errors and Content-Security-Policy
     * violations from the console. Network errors (a 503 the page asked for, say) are not problems of the page.
     */
    public List<String> pageProblems() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(message -> message.contains("Uncaught") || message.contains("Content Security Policy")
                        || message.contains("Refused to"))
                .toList();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteQuietly(profile);
        }
    }

    private static Path save(String name, byte[] png) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, png);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("cannot save screenshot " + name, e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a leftover temp folder is not worth failing a test for
        }
    }
}
