package io.redischat.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openqa.selenium.support.ui.ExpectedConditions.invisibilityOfElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBe;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.ChromeBrowser;
import io.redischat.testsupport.ChromeBrowser.WebSocketLog;
import io.redischat.testsupport.Deployments;
import io.redischat.testsupport.PayaraMicroProcess;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.ServiceClient;
import io.redischat.testsupport.SharedRedis;

/**
 * The browser UI as a user meets it: the WAR on Payara Micro with a real Redis, driven in a headless Chromium. Walks
 * the persistence guide's manual protocol and checks what must survive a reload (and what must not), Redis health,
 * refused input, markup as text, reconnecting after a drop, resuming a Redis session from the last seq it saw (after a
 * drop and after a reload) or reloading its history when the server cannot replay it, and the phone layout.
 * Screenshots of the main states go to {@code target/screenshots/}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BrowserUiIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** A generated session id: 128 random bits as 32 hex digits. */
    private static final Pattern GENERATED_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern CLOCK = Pattern.compile("\\d{1,2}:\\d{2}:\\d{2}");
    private static final Pattern COUNTDOWN = Pattern.compile("expires in (\\d+):(\\d{2})");

    /**
     * The chat as text lines: "you: ..." / "server: ..." / "client 3f2a: ..." (another client of the session), with
     * " [pending]" or " [failed]" for ours on the way, "(gone) " before a message no longer in Redis, and
     * "--- <text>" for the divider above which they are.
     */
    private static final String CHAT_LOG = """
            return [...document.querySelectorAll('#messages li.msg, #messages li.history-divider')].map(li =>
                li.classList.contains('history-divider') ? '--- ' + li.textContent
                : (li.dataset.archived === 'true' ? '(gone) ' : '')
                + (li.classList.contains('other') ? li.querySelector('.msg-author').textContent
                    : li.classList.contains('sent') ? 'you' : 'server')
                + (li.dataset.status === 'delivered' ? '' : ' [' + li.dataset.status + ']')
                + ': ' + li.querySelector('.msg-text').textContent);
            """;

    static ChromeBrowser browser;
    /** An instance at the default message rate (the deployment's tests send faster than a person), once needed. */
    static PayaraMicroProcess atDefaultRate;

    @RegisterExtension
    static final TestWatcher SCREENSHOT_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                browser.screenshot("FAILED-" + context.getRequiredTestMethod().getName());
            }
        }
    };

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.chatWar();
    }

    @ArquillianResource
    URL deploymentUrl;

    ServiceClient service;
    ChromeDriver driver;
    String app;
    String unique;

    @BeforeAll
    static void startBrowser() {
        browser = ChromeBrowser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
        if (atDefaultRate != null) {
            atDefaultRate.close();
        }
    }

    @BeforeEach
    void openAFreshPage(TestInfo test) {
        SharedRedis.get(); // running, whatever an earlier test did to it
        service = ServiceClient.at(deploymentUrl);
        app = service.base().toString(); // http://localhost:<port>/chat/
        driver = browser.driver();
        browser.desktopViewport();
        unique = test.getTestMethod().orElseThrow().getName().substring(0, 12) + "-"
                + Long.toString(System.nanoTime(), 36);
        // a page of the same origin that runs none of the app, to start from an empty localStorage
        driver.get(app + "icon.svg");
        driver.executeScript("localStorage.clear(); sessionStorage.clear()");
        browser.pageProblems();
        driver.get(app);
        awaitApp();
    }

    @AfterEach
    void pageHadNoScriptErrorsOrPolicyViolations() {
        assertEquals(List.of(), browser.pageProblems(), "uncaught errors or Content-Security-Policy violations");
    }

    // ------------------------------------------------------------------------------------------------ the guide

    @Test
    void guideManualProtocolStoresBothMessagesInRedisAndTheRefreshButtonShowsThem() {
        choosePersistence("Redis");
        assertEquals("Sessions stored in Redis with TTL", byId("persistence-hint").getText());
        await(d -> byId("persistence-detail").getText().contains("TTL: 300 s"));

        addSession("ui-test-redis-123");
        WebElement card = await(visibilityOfElementLocated(card("ui-test-redis-123")));
        WebElement chip = card.findElement(By.cssSelector(".chip"));
        assertEquals("Redis", chip.getText());
        WebElement refresh = card.findElement(By.xpath(".//button[normalize-space()='🔄']"));
        assertEquals(Boolean.TRUE, driver.executeScript("return arguments[0].previousElementSibling === arguments[1]",
                refresh, chip), "the refresh button sits next to the Redis chip");
        awaitConnected("ui-test-redis-123");

        send("Hello Redis test!");
        awaitChat("you: Hello Redis test!", "server: Message #1: Hello Redis test!");
        for (WebElement time : driver.findElements(By.cssSelector("#messages li.msg time"))) {
            assertTrue(CLOCK.matcher(time.getText()).find(), time.getText());
        }
        WebElement ttl = card.findElement(By.cssSelector(".ttl"));
        await(d -> secondsLeft(ttl.getText()) > 290);

        refresh.click();
        WebElement result = await(visibilityOfElementLocated(resultOf("ui-test-redis-123", "messages")));
        assertTrue(result.getText().contains("Redis holds 2 messages"), result.getText());
        assertEquals(List.of("Hello Redis test!", "Message #1: Hello Redis test!"),
                texts(result.findElements(By.cssSelector(".redis-msg-text"))));
        JsonObject api = service.get("api/sessions/ui-test-redis-123/messages/").json();
        assertEquals(2, api.getInt("count"), "what the card shows is what the API says");
        browser.screenshot("01-redis-session-after-refresh");
        assertTrue(bottomOf("#chat") >= windowHeight() - 24, "on a wide screen the chat fills the window's height");

        String before = ttl.getText();
        await(d -> !ttl.getText().equals(before));
        assertTrue(secondsLeft(before) > 0 && secondsLeft(ttl.getText()) > 0
                && secondsLeft(ttl.getText()) < secondsLeft(before), "counts down: " + before + ", then " + ttl.getText());
    }

    // ------------------------------------------------------------------------------------------------ reloads

    @Test
    void settingsChoiceAndEachSessionsOwnPersistenceSurviveAReload() {
        assertEquals("localStorage", selectedPersistence(), "localStorage is the default");
        String local = "local-" + unique;
        String redis = "redis-" + unique;
        addSession(local);
        choosePersistence("Redis");
        addSession(redis);

        driver.navigate().refresh();
        awaitApp();
        assertEquals("redis", selectedPersistence());
        assertEquals("Sessions stored in Redis with TTL", byId("persistence-hint").getText());
        assertEquals("redis", driver.executeScript(
                "return JSON.parse(localStorage.getItem('redis-chat.settings')).sessionPersistenceType"));
        assertEquals(List.of(local, redis), cardIds(), "the cards, in order");
        assertEquals("localStorage", chipOf(local), "created before the switch: stays localStorage");
        assertEquals("Redis", chipOf(redis));
        assertTrue(driver.findElements(card(local)).get(0).findElements(By.cssSelector(".refresh")).isEmpty(),
                "only Redis sessions have a refresh button");
        browser.screenshot("02-settings-and-cards-after-reload");

        choosePersistence("none");
        driver.navigate().refresh();
        awaitApp();
        assertEquals("none", selectedPersistence());
    }

    @Test
    void localStorageSessionKeepsItsMessagesInTheBrowserAcrossAReload() {
        String id = "local-" + unique;
        addSession(id);
        assertEquals("localStorage", chipOf(id));
        awaitConnected(id);
        send("kept in this browser");
        awaitChat("you: kept in this browser", "server: Message #1: kept in this browser");

        driver.navigate().refresh();
        awaitApp();
        openCard(id);
        awaitConnected(id);
        awaitChat("you: kept in this browser", "server: Message #1: kept in this browser");
        browser.screenshot("03-localstorage-session-after-reload");

        JsonObject api = service.get("api/sessions/" + id + "/messages/").json();
        assertEquals(0, api.getInt("count"), "kept by the browser, not by Redis");
        assertEquals("never_persisted", api.getString("empty_reason"));
    }

    @Test
    void messagesOfAnotherClientShowAsTheirsAndThoseOfThisBrowsersEarlierSocketsAsYours() {
        String id = "authors-" + unique;
        long now = System.currentTimeMillis();
        // as a server that names sockets leaves them: this browser had socket conn-mine, someone else 7e3a90c1 (the
        // server's connection ids are hex; a name that is not is a token's subject, shown as itself)
        driver.executeScript("""
                localStorage.setItem('redis-chat.sessions', JSON.stringify([{id: arguments[0], persistence: 'localStorage',
                    createdAt: arguments[1], connectionIds: ['conn-mine']}]));
                localStorage.setItem('redis-chat.messages.' + arguments[0], JSON.stringify([
                    {key: 'c:a:s', content: 'mine', timestamp: arguments[1], isSent: true, from: 'conn-mine'},
                    {key: 'c:a:r', content: 'Message #1: mine', timestamp: arguments[1], isSent: false, from: 'conn-mine'},
                    {key: 'c:b:s', content: 'theirs', timestamp: arguments[1] + 1, isSent: true, from: '7e3a90c1'},
                    {key: 'c:b:r', content: 'Message #1: theirs', timestamp: arguments[1] + 1, isSent: false, from: '7e3a90c1'},
                    {key: 'c:c:s', content: 'stored before from existed', timestamp: arguments[1] + 2, isSent: true}]));
                """, id, now);
        driver.navigate().refresh();
        awaitApp();
        openCard(id);
        awaitConnected(id);
        String label = shortLabel("7e3a90c1");
        awaitChat("you: mine", "server: Message #1: mine", "client " + label + ": theirs", "server: Message #1: theirs",
                "you: stored before from existed");
        WebElement theirs = driver.findElement(By.cssSelector("#messages li.msg.other"));
        assertEquals("Client " + label + ": ", theirs.findElement(By.cssSelector(".visually-hidden")).getDomProperty("textContent"));
        assertNotEquals(driver.findElement(By.cssSelector("#messages li.msg.sent")).getCssValue("border-top-style"),
                theirs.getCssValue("border-top-style"), "another client's message looks different");
        browser.screenshot("15-another-clients-message");
    }

    @Test
    void twoUsersSeeEachOthersMessagesUnderAStableLabelAndColourLiveAfterAReloadAndInTheRefreshPanel() {
        choosePersistence("Redis");
        String id = "two-" + unique;
        addSession(id);
        awaitConnected(id);
        send("hello from A");
        awaitChat("you: hello from A", "server: Message #1: hello from A");
        String a = newestConnectionId(id);
        String labelA = "client " + shortLabel(a);

        // B: another user, in the same browser but under another origin, so with a localStorage of its own
        URI here = service.base();
        String otherHost = "localhost".equals(here.getHost()) ? "127.0.0.1" : "localhost";
        String otherApp = here.getScheme() + "://" + otherHost + ":" + here.getPort() + here.getPath();
        String tabA = driver.getWindowHandle();
        driver.switchTo().newWindow(WindowType.TAB);
        String tabB = driver.getWindowHandle();
        try {
            driver.get(otherApp + "icon.svg");
            driver.executeScript("localStorage.clear()");
            driver.get(otherApp);
            awaitApp();
            choosePersistence("Redis");
            addSession(id);
            awaitConnected(id);
            awaitChat(labelA + ": hello from A", "server: Message #1: hello from A");
            send("hello from B");
            awaitChat(labelA + ": hello from A", "server: Message #1: hello from A",
                    "you: hello from B", "server: Message #2: hello from B");
            String b = newestConnectionId(id);
            String labelB = "client " + shortLabel(b);
            assertNotEquals(a, b);
            assertEquals(List.of("tone-" + tone(a)), toneClassesOfOthers(), "A's colour, as B sees it");
            browser.screenshot("16-two-users-as-b");

            driver.switchTo().window(tabA);
            List<String> seenByA = List.of("you: hello from A", "server: Message #1: hello from A",
                    labelB + ": hello from B", "server: Message #2: hello from B");
            awaitChat(seenByA.toArray(String[]::new)); // live
            assertEquals(List.of("tone-" + tone(b)), toneClassesOfOthers(), "B's colour, as A sees it");
            browser.screenshot("16-two-users-as-a");

            driver.navigate().refresh();
            awaitApp();
            awaitConnected(id);
            awaitChat(seenByA.toArray(String[]::new)); // after a reload: A's earlier socket is still A
            assertNotEquals(a, newestConnectionId(id), "a new socket after the reload");
            assertEquals(List.of("tone-" + tone(b)), toneClassesOfOthers());

            driver.findElement(card(id)).findElement(By.cssSelector(".refresh")).click();
            WebElement result = await(visibilityOfElementLocated(resultOf(id, "messages")));
            assertEquals(List.of("you", "server", labelB, "server"), texts(result.findElements(By.cssSelector(".who"))),
                    "the 🔄 panel names the authors as the chat does");
            WebElement theirs = result.findElement(By.cssSelector(".redis-msg.other"));
            assertTrue(theirs.getAttribute("class").contains("tone-" + tone(b)), theirs.getAttribute("class"));
            assertNotEquals(result.findElement(By.cssSelector(".redis-msg.sent .who")).getCssValue("color"),
                    theirs.findElement(By.cssSelector(".who")).getCssValue("color"), "another author has a colour");
            browser.screenshot("16-two-users-refresh-panel");
        } finally {
            driver.switchTo().window(tabB);
            driver.close();
            driver.switchTo().window(tabA);
        }
    }

    @Test
    void noneSessionKeepsNothingAcrossAReloadButItsCardStays() {
        choosePersistence("none");
        String id = "none-" + unique;
        addSession(id);
        awaitConnected(id);
        send("forget me");
        awaitChat("you: forget me", "server: Message #1: forget me");
        String storage = (String) driver.executeScript("return JSON.stringify(localStorage)");
        assertFalse(storage.contains("forget me"), storage);

        driver.navigate().refresh();
        awaitApp();
        assertEquals("none", chipOf(id));
        openCard(id);
        awaitConnected(id);
        assertEquals(List.of(), chatLog());
        assertEquals(0, service.get("api/sessions/" + id + "/messages/").json().getInt("count"));
        browser.screenshot("04-none-session-after-reload");
    }

    @Test
    void messageNumbersGoOnWhereThePageKeepsTheCountAndTheHelpTextSaysWhatTheyMean() {
        assertTrue(byId("numbering-hint").getText().contains("In a Redis session N is the session's count in Redis"),
                byId("numbering-hint").getText());
        String local = "count-" + unique;
        addSession(local);
        awaitConnected(local);
        send("one");
        awaitChat("you: one", "server: Message #1: one");
        driver.navigate().refresh();
        awaitApp();
        awaitConnected(local);
        send("two");
        awaitChat("you: one", "server: Message #1: one", "you: two", "server: Message #2: two");

        choosePersistence("none");
        String none = "count-none-" + unique;
        addSession(none);
        awaitConnected(none);
        send("first");
        awaitChat("you: first", "server: Message #1: first");
        openCard(local);
        awaitConnected(local);
        send("three");
        awaitChat("you: one", "server: Message #1: one", "you: two", "server: Message #2: two", "you: three",
                "server: Message #3: three");
        browser.screenshot("44-localstorage-numbers-go-on-after-a-reload-and-a-switch");
        openCard(none);
        awaitConnected(none);
        send("second");
        awaitChat("you: first", "server: Message #1: first", "you: second", "server: Message #2: second");

        driver.navigate().refresh();
        awaitApp();
        awaitConnected(none);
        send("after a reload");
        awaitChat("you: after a reload", "server: Message #1: after a reload");
    }

    @Test
    void removedCardIsGoneWithItsBrowserMessages() {
        String gone = "gone-" + unique;
        String kept = "kept-" + unique;
        addSession(gone);
        awaitConnected(gone);
        send("about to go");
        awaitChat("you: about to go", "server: Message #1: about to go");
        addSession(kept);
        awaitConnected(kept);

        driver.findElement(card(gone)).findElement(By.xpath(".//button[normalize-space()='Remove']")).click();
        await(invisibilityOfElementLocated(card(gone)));
        assertNull(driver.executeScript("return localStorage.getItem(arguments[0])", "redis-chat.messages." + gone));
        driver.navigate().refresh();
        awaitApp();
        assertEquals(List.of(kept), cardIds());
    }

    @Test
    void cardsAddedInAnotherTabShowUpHereAndAreNotOverwritten() {
        String here = driver.getWindowHandle();
        String there = "tab-" + unique;
        driver.switchTo().newWindow(WindowType.TAB);
        try {
            driver.get(app);
            awaitApp();
            addSession(there);
            awaitConnected(there);
        } finally {
            driver.close();
            driver.switchTo().window(here);
        }
        await(visibilityOfElementLocated(card(there)));
        String mine = "mine-" + unique;
        addSession(mine);
        driver.navigate().refresh();
        awaitApp();
        assertEquals(List.of(there, mine), cardIds());
    }

    // ------------------------------------------------------------------------------------------------ Redis health

    @Test
    void redisDownShowsABannerAndTheRefreshSaysWhyUntilRedisIsBack() {
        RedisServerProcess redis = SharedRedis.get();
        choosePersistence("Redis");
        String id = "down-" + unique;
        addSession(id);
        awaitConnected(id);
        assertFalse(byId("redis-banner").isDisplayed());
        double composerBottom = bottomOf("#message-input");
        try {
            redis.kill();
            WebElement banner = await(visibilityOfElementLocated(By.id("redis-banner")));
            assertEquals(composerBottom, bottomOf("#message-input"), 0.5, "the banner does not push the composer");
            assertTrue(banner.getText().startsWith("Redis is down."), banner.getText());
            assertEquals("Redis down", byId("redis-status-text").getText());

            send("while redis is down");
            awaitChat("you: while redis is down", "server: Message #1: while redis is down");
            assertEquals(List.of("not stored in Redis", "not stored in Redis"),
                    texts(driver.findElements(By.cssSelector("#messages .msg-flag"))));

            driver.findElement(card(id)).findElement(By.cssSelector(".refresh")).click();
            WebElement result = await(visibilityOfElementLocated(resultOf(id, "error")));
            assertTrue(result.getText().contains("Likely cause: Redis down"), result.getText());
            browser.screenshot("05-redis-down-banner");

            redis.launch();
            await(invisibilityOfElementLocated(By.id("redis-banner")));
            assertTrue(byId("redis-status-text").getText().startsWith("Redis connected"));
            browser.screenshot("05-redis-back");
        } finally {
            if (!redis.isRunning()) {
                redis.launch();
            }
        }
    }

    @Test
    void emptyRefreshSaysWhyNeverPersistedOrTtlExpired() {
        choosePersistence("Redis");
        String never = "never-" + unique;
        addSession(never);
        awaitConnected(never);
        driver.findElement(card(never)).findElement(By.cssSelector(".refresh")).click();
        WebElement neverResult = await(visibilityOfElementLocated(resultOf(never, "empty")));
        assertEquals("never_persisted", neverResult.getAttribute("data-reason"));
        assertTrue(neverResult.getText().contains("Redis holds no messages for this session."), neverResult.getText());
        assertTrue(neverResult.getText().contains("Likely cause: no messages sent with Redis persistence in this session"),
                neverResult.getText());

        String expired = "expired-" + unique;
        addSession(expired);
        awaitConnected(expired);
        send("soon gone");
        awaitChat("you: soon gone", "server: Message #1: soon gone");
        // the history's TTL runs out now rather than in five minutes
        RedisServerProcess redis = SharedRedis.get();
        for (String key : List.of("history", "meta")) {
            redis.command("PEXPIRE", "chat:{" + expired + "}:" + key, "1");
        }
        await(d -> redis.command("EXISTS", "chat:{" + expired + "}:history").startsWith(":0"));

        driver.findElement(card(expired)).findElement(By.cssSelector(".refresh")).click();
        WebElement expiredResult = await(visibilityOfElementLocated(resultOf(expired, "empty")));
        assertEquals("expired", expiredResult.getAttribute("data-reason"));
        assertTrue(expiredResult.getText().contains("Likely cause: TTL expired"), expiredResult.getText());
        assertEquals("TTL expired", driver.findElement(card(expired)).findElement(By.cssSelector(".ttl")).getText());
        browser.screenshot("06-empty-refresh-reasons");
    }

    // ------------------------------------------------------------------------------------------------ input

    @Test
    void invalidSessionIdIsRefusedInTheFormAndAnEmptyOneIsGenerated() {
        addSession("bad id!");
        WebElement error = byId("session-id-error");
        await(d -> error.getText().startsWith("Invalid session id"));
        assertEquals("true", byId("session-id").getAttribute("aria-invalid"));
        assertEquals(List.of(), cardIds());
        browser.screenshot("07-invalid-session-id");

        for (String bad : List.of("x".repeat(129), "a/b", "{x}", "ünïcode")) {
            addSession(bad);
            await(d -> error.getText().startsWith("Invalid session id"));
            assertEquals(List.of(), cardIds(), bad);
        }

        // by keyboard: type, press Enter
        WebElement input = byId("session-id");
        input.clear();
        input.sendKeys("kbd_1.ok-" + unique, Keys.ENTER);
        await(visibilityOfElementLocated(card("kbd_1.ok-" + unique)));
        assertEquals("", error.getText());
        assertNull(byId("session-id").getAttribute("aria-invalid"));
        awaitConnected("kbd_1.ok-" + unique);

        input.clear();
        addSession("");
        await(d -> cardIds().size() == 2);
        String generated = cardIds().get(1);
        assertTrue(GENERATED_ID.matcher(generated).matches(), generated);
        awaitConnected(generated);
    }

    @Test
    void markupInMessagesIsShownAsTextNeverAsElements() {
        choosePersistence("Redis");
        String id = "markup-" + unique;
        addSession(id);
        awaitConnected(id);
        String attack = "<img src=x onerror=alert(1)>";
        send(attack);
        awaitChat("you: " + attack, "server: Message #1: " + attack);

        driver.findElement(card(id)).findElement(By.cssSelector(".refresh")).click();
        WebElement result = await(visibilityOfElementLocated(resultOf(id, "messages")));
        assertEquals(List.of(attack, "Message #1: " + attack),
                texts(result.findElements(By.cssSelector(".redis-msg-text"))));
        assertEquals(0L, driver.executeScript("return document.querySelectorAll('main img').length"),
                "no element made from message content");
        assertNull(ExpectedConditions.alertIsPresent().apply(driver), "no alert");
        browser.screenshot("08-markup-shown-as-text");
    }

    // ------------------------------------------------------------------------------------------------ network

    @Test
    void reconnectsWithBackoffAfterADropAndSendsWhatWasTypedMeanwhileOnce() {
        @SuppressWarnings("unchecked")
        List<Long> delays = (List<Long>) driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import(new URL('js/socket.js', document.baseURI))
                    .then(m => done([1, 2, 3, 4, 5, 20].map(a => m.backoffDelay(a))));
                """);
        long[][] expected = {{400, 600}, {800, 1200}, {1600, 2400}, {3200, 4800}, {6400, 9600}, {24000, 36000}};
        for (int i = 0; i < expected.length; i++) {
            long delay = delays.get(i);
            assertTrue(delay >= expected[i][0] && delay <= expected[i][1], "delay " + i + ": " + delays);
        }

        try (DroppingProxy network = DroppingProxy.to(deploymentUrl.getPort())) {
            driver.get("http://127.0.0.1:" + network.port() + service.base().getPath());
            awaitApp();
            choosePersistence("Redis");
            String id = "drop-" + unique;
            addSession(id);
            awaitConnected(id);
            send("before the drop");
            awaitChat("you: before the drop", "server: Message #1: before the drop");
            double composerBottom = bottomOf("#message-input");

            network.cut();
            await(d -> "waiting".equals(byId("chat-state").getAttribute("data-state")));
            send("during the drop");
            awaitChat("you: before the drop", "server: Message #1: before the drop", "you [pending]: during the drop");
            // two attempts failed one after the other, the third waits
            await(d -> byId("chat-state-text").getText().matches("Disconnected · reconnecting in \\d+ s \\(attempt 3\\)"));
            browser.screenshot("09-reconnecting-after-a-drop");
            assertEquals(composerBottom, bottomOf("#message-input"), 0.5, "connection states do not move the composer");

            network.restore();
            awaitConnected(id);
            awaitChat("you: before the drop", "server: Message #1: before the drop",
                    "you: during the drop", "server: Message #2: during the drop");
            assertEquals(4, service.get("api/sessions/" + id + "/messages/").json().getInt("count"),
                    "stored once");
        }
    }

    // ------------------------------------------------------------------------------------------------ fast typing

    @Test
    void sixtyMessagesTypedFastWithEnterArePacedStoredOnceInOrderAndNoneIsLostByAReloadInTheMiddle() {
        String id = "burst-" + unique;
        openAtDefaultRate();
        choosePersistence("Redis");
        try (ChromeBrowser.Recording recording = browser.recordWebSockets()) {
            driver.navigate().refresh();
            awaitApp();
            addSession(id);
            awaitConnected(id);
            typeFast(60, "fast ");
            List<String> typed = chatLog();
            browser.screenshot("40-burst-of-60-paced-sending");
            assertTrue(typed.stream().anyMatch(line -> line.startsWith("you [pending]: fast")),
                    "some are still on their way when the page reloads: " + typed);
            assertEquals(0, rateLimitedErrors(), "paced under the announced limit: the server refused none");

            driver.navigate().refresh();
            awaitApp();
            awaitConnected(id);
            List<String> expected = new java.util.ArrayList<>();
            for (int i = 0; i < 60; i++) {
                expected.add("you: fast " + i);
                expected.add("server: Message #" + (i + 1) + ": fast " + i);
            }
            browser.waitUpTo(Duration.ofSeconds(10)).withMessage(() -> "chat shows " + chatLog())
                    .until(d -> expected.equals(chatLog()));
            browser.screenshot("41-burst-of-60-all-stored-after-a-reload");
            assertEquals("[]", driver.executeScript(
                    "return sessionStorage.getItem('redis-chat.unsent.' + arguments[0]) ?? '[]'", id));
            assertEquals(0, rateLimitedErrors());
        }
        JsonObject api = atDefaultRate.client().get("api/sessions/" + id + "/messages/").json();
        assertEquals(120, api.getInt("count"), "each stored once");
        assertEquals(expected(60, "fast "), api.getJsonArray("messages").stream().map(JsonObject.class::cast)
                .filter(m -> m.getBoolean("isSent")).map(m -> m.getString("content")).toList());
    }

    @Test
    void messagesTheServerRefusesForLoadAreSentAgainByThemselvesOrFailVisiblyWithARetryThatWorks() {
        String id = "refused-" + unique;
        openAtDefaultRate();
        choosePersistence("Redis");
        try (ChromeBrowser.Recording recording = browser.recordWebSockets()) {
            driver.navigate().refresh();
            awaitApp();
            addSession(id);
            awaitConnected(id);
            // as a page that ignores the announced limit: all goes out at once, and the server refuses many
            driver.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    import(new URL('js/outbox.js', document.baseURI)).then(({ Outbox }) => {
                        const { due, refused } = Outbox.prototype;
                        window.__outbox = { due, refused };
                        Outbox.prototype.due = function (order) {
                            this.limit({ messagesPerSecond: 0, messageBurst: 0, maxPendingWrites: 100000 });
                            return due.call(this, order);
                        };
                        done();
                    });
                    """);
            typeFast(60, "fast ");
            List<String> all = new java.util.ArrayList<>();
            for (int i = 0; i < 60; i++) {
                all.add("you: fast " + i);
            }
            browser.waitUpTo(Duration.ofSeconds(15)).withMessage(() -> "chat shows " + chatLog())
                    .until(d -> ownLines().equals(new java.util.TreeSet<>(all)) && ownLines().size() == chatLog().size() / 2);
            assertTrue(rateLimitedErrors() >= 10, rateLimitedErrors() + " refused: the server did refuse");
            assertEquals(0, unnamedRateLimitedErrors(), "each refusal names the message");

            // and one that gives up at once: what the server refused fails, visibly, with a retry
            driver.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    import(new URL('js/outbox.js', document.baseURI)).then(({ Outbox }) => {
                        Outbox.prototype.refused = function (clientId) { this.forget(clientId); return false; };
                        done();
                    });
                    """);
            typeFast(40, "again ");
            browser.waitUpTo(Duration.ofSeconds(15)).withMessage(() -> "chat shows " + chatLog())
                    .until(d -> chatLog().stream().noneMatch(line -> line.contains("[pending]"))
                            && chatLog().stream().anyMatch(line -> line.startsWith("you [failed]: again ")));
            WebElement failed = driver.findElement(By.cssSelector("#messages li.msg[data-status='failed']"));
            assertTrue(failed.findElement(By.cssSelector(".msg-flag")).getText()
                    .startsWith("not sent: more than 20 messages a second"), failed.getText());
            browser.screenshot("42-refused-messages-failed-with-retry");

            // the page as it is again: paced, and retrying by itself
            driver.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    import(new URL('js/outbox.js', document.baseURI)).then(({ Outbox }) => {
                        Object.assign(Outbox.prototype, window.__outbox);
                        done();
                    });
                    """);
            List<WebElement> retries;
            while (!(retries = driver.findElements(By.cssSelector("#messages button.msg-retry"))).isEmpty()) {
                retries.get(0).click();
            }
            for (int i = 0; i < 40; i++) {
                all.add("you: again " + i);
            }
            browser.waitUpTo(Duration.ofSeconds(15)).withMessage(() -> "chat shows " + chatLog())
                    .until(d -> ownLines().equals(new java.util.TreeSet<>(all)) && ownLines().size() == chatLog().size() / 2);
            browser.screenshot("43-retried-messages-stored");
        }
        List<String> stored = atDefaultRate.client().get("api/sessions/" + id + "/messages/").json()
                .getJsonArray("messages").stream().map(JsonObject.class::cast).filter(m -> m.getBoolean("isSent"))
                .map(m -> m.getString("content")).toList();
        assertEquals(100, stored.size(), "each stored once: " + stored);
        assertEquals(100, new java.util.HashSet<>(stored).size(), "each stored once: " + stored);
    }

    // ------------------------------------------------------------------------------------------------ resume

    @Test
    void afterADropTheResumeBringsWhatOthersSentMeanwhileOnceInOrderWithoutRefetching() {
        try (DroppingProxy network = DroppingProxy.to(deploymentUrl.getPort());
             ChromeBrowser.Recording recording = browser.recordWebSockets()) {
            driver.get("http://127.0.0.1:" + network.port() + service.base().getPath());
            awaitApp();
            choosePersistence("Redis");
            String id = "resume-" + unique;
            addSession(id);
            awaitConnected(id);
            send("before the drop");
            awaitChat("you: before the drop", "server: Message #1: before the drop");
            awaitHistoryReads(id, 1);
            String epoch = service.get("api/sessions/" + id + "/messages/").json().getString("epoch");
            awaitResumePoint(id, epoch + "/2");
            long reads = historyReads(id);

            network.cut();
            await(d -> "waiting".equals(byId("chat-state").getAttribute("data-state")));
            String otherClient;
            try (ChatSocket other = service.persistentSocket(id)) {
                otherClient = "client " + shortLabel(other.connectedFrame().getString("connectionId"));
                for (String text : List.of("first while away", "second while away")) {
                    other.send(text);
                    List<JsonObject> answer = other.nextJson(2); // stored once both frames are out
                    assertEquals(text, answer.get(0).getString("content"));
                }
            }

            network.restore();
            awaitConnected(id);
            List<String> all = List.of("you: before the drop", "server: Message #1: before the drop",
                    otherClient + ": first while away", "server: Message #2: first while away",
                    otherClient + ": second while away", "server: Message #3: second while away");
            awaitChat(all.toArray(String[]::new));
            awaitResumePoint(id, epoch + "/6");

            List<WebSocketLog> sockets = browser.webSockets();
            assertEquals("redis_persistence=true", query(sockets.get(0)), "a new card starts at the present");
            WebSocketLog resumed = sockets.get(sockets.size() - 1);
            assertEquals("redis_persistence=true&since=2&epoch=" + epoch, query(resumed), "reconnects after seq 2");
            assertTrue(authorSecret(resumed).matches("[A-Za-z0-9_-]{43}"), resumed.url());
            assertEquals(authorSecret(sockets.get(0)), authorSecret(resumed),
                    "the reconnected socket is the same author: its retried clientIds are recognized");
            JsonObject connected = json(resumed.received().get(0));
            assertEquals("connected", connected.getString("type"));
            assertTrue(connected.getBoolean("recovered"), connected::toString);
            assertEquals(4, connected.getInt("replayed"), connected::toString);
            assertEquals(reads, historyReads(id), "the replay was enough: the history was not read again");
            assertEquals(all, chatLog(), "each message once");
            assertEquals("", byId("chat-notice").getText(), "nothing was lost, nothing to say");
            browser.screenshot("11-resumed-after-drop");
        }
    }

    @Test
    void redisRestartedEmptySaysItLostTheHistoryAndKeepsWhatWasShownAboveADividerWithTheUnstoredMessage() {
        RedisServerProcess redis = SharedRedis.get();
        choosePersistence("Redis");
        String id = "lost-" + unique;
        addSession(id);
        awaitConnected(id);
        send("soon forgotten");
        awaitChat("you: soon forgotten", "server: Message #1: soon forgotten");
        awaitHistoryReads(id, 1);
        String oldEpoch = service.get("api/sessions/" + id + "/messages/").json().getString("epoch");
        awaitResumePoint(id, oldEpoch + "/2");
        String lost = "Redis lost this session's history (it restarted without persistence)";
        String divider = "--- " + lost + ". The messages above are no longer in Redis.";
        try {
            redis.kill();
            send("while redis is down");
            awaitChat("you: soon forgotten", "server: Message #1: soon forgotten",
                    "you: while redis is down", "server: Message #2: while redis is down");
            redis.launch(); // nothing saved: it comes back empty, and the server tells its clients (sync reset)
            awaitChat("(gone) you: soon forgotten", "(gone) server: Message #1: soon forgotten",
                    "(gone) you: while redis is down", "(gone) server: Message #2: while redis is down", divider);
            WebElement notice = byId("chat-notice");
            browser.waitUpTo(WAIT).withMessage(() -> "notice: '" + notice.getText() + "'")
                    .until(d -> (lost + ".").equals(notice.getText()));
            assertEquals(List.of("not stored in Redis", "not stored in Redis"),
                    texts(driver.findElements(By.cssSelector("#messages .msg-flag"))), "the message sent while down");
            awaitHistoryReads(id, 2);
            JsonObject api = service.get("api/sessions/" + id + "/messages/").json();
            assertEquals(0, api.getInt("count"), api::toString);
            assertEquals("never_persisted", api.getString("empty_reason"), api::toString);
            assertEquals("null/0", storedResumePoint(id), "the old epoch is forgotten");
            browser.waitUpTo(WAIT).until(d -> "Connected".equals(byId("chat-state-text").getText()));
            browser.screenshot("30-redis-lost-history");

            send("after the restart");
            awaitChat("(gone) you: soon forgotten", "(gone) server: Message #1: soon forgotten",
                    "(gone) you: while redis is down", "(gone) server: Message #2: while redis is down", divider,
                    "you: after the restart", "server: Message #1: after the restart");
            String newEpoch = service.get("api/sessions/" + id + "/messages/").json().getString("epoch");
            assertNotEquals(oldEpoch, newEpoch);
            awaitResumePoint(id, newEpoch + "/2");
        } finally {
            if (!redis.isRunning()) {
                redis.launch();
            }
        }
    }

    @Test
    void aTtlRunningOutWhileTheChatIsOpenSaysTheSessionExpiredAfterItsTtlAndTheRefreshPanelFollows() {
        // an instance of its own whose sessions live 5 seconds, as an operator sets REDIS_SESSION_TTL
        try (PayaraMicroProcess shortLived = PayaraMicroProcess.start(Map.of(
                "CHANNEL_REDIS_URL", SharedRedis.get().url(), "REDIS_SESSION_TTL", "5"))) {
            String root = shortLived.root().toString();
            driver.get(root + "icon.svg");
            driver.executeScript("localStorage.clear()");
            driver.get(root);
            awaitApp();
            choosePersistence("Redis");
            await(d -> byId("persistence-detail").getText().contains("TTL: 5 s"));
            String id = "ttl-" + unique;
            addSession(id);
            awaitConnected(id);
            send("short-lived");
            awaitChat("you: short-lived", "server: Message #1: short-lived");
            driver.findElement(card(id)).findElement(By.cssSelector(".refresh")).click();
            WebElement panel = await(visibilityOfElementLocated(resultOf(id, "messages")));
            assertTrue(panel.getText().contains("Redis holds 2 messages"), panel.getText());

            String expired = "This session expired after 5 seconds without messages";
            awaitChat("(gone) you: short-lived", "(gone) server: Message #1: short-lived",
                    "--- " + expired + ". The messages above are no longer in Redis.");
            assertEquals(expired + ".", byId("chat-notice").getText());
            assertEquals("TTL expired", driver.findElement(card(id)).findElement(By.cssSelector(".ttl")).getText());
            // the panel said "Redis holds 2 messages": it is fetched again and says why it holds none now
            WebElement emptied = await(visibilityOfElementLocated(resultOf(id, "empty")));
            assertTrue(emptied.getText().contains("Likely cause: TTL expired (5 seconds without messages)"), emptied.getText());
            browser.screenshot("31-session-expired");

            send("a new start");
            awaitChat("(gone) you: short-lived", "(gone) server: Message #1: short-lived",
                    "--- " + expired + ". The messages above are no longer in Redis.",
                    "you: a new start", "server: Message #1: a new start");
            WebElement refilled = await(visibilityOfElementLocated(resultOf(id, "messages")));
            assertTrue(refilled.getText().contains("Redis holds 2 messages"), refilled.getText());
            assertTrue(secondsLeft(driver.findElement(card(id)).findElement(By.cssSelector(".ttl")).getText()) >= 0,
                    "the card counts down again");
            driver.get(app); // away before the instance stops
        } finally {
            driver.get(app);
        }
    }

    @Test
    void aReloadWhileRedisIsDownSaysTheHistoryCannotBeLoadedAndShowsTheFeedInterrupted() {
        RedisServerProcess redis = SharedRedis.get();
        choosePersistence("Redis");
        String id = "reload-down-" + unique;
        addSession(id);
        awaitConnected(id);
        send("before the outage");
        awaitChat("you: before the outage", "server: Message #1: before the outage");
        awaitHistoryReads(id, 1);
        try {
            redis.kill();
            driver.navigate().refresh();
            await(d -> "down".equals(byId("redis-status").getAttribute("data-state")));
            await(textToBe(By.id("chat-title"), id));
            WebElement state = byId("chat-state-text");
            browser.waitUpTo(WAIT).withMessage(() -> "chat state: " + state.getText())
                    .until(d -> "Connected · Redis down: live updates interrupted".equals(state.getText()));
            assertEquals("interrupted", byId("chat-state").getAttribute("data-sync"));
            WebElement notice = byId("chat-notice");
            browser.waitUpTo(WAIT).withMessage(() -> "notice: '" + notice.getText() + "'")
                    .until(d -> "Redis is down: history cannot be loaded; it loads when Redis is back.".equals(notice.getText()));
            assertEquals(List.of(), chatLog());
            assertEquals("\"Redis is down: history cannot be loaded\"", driver.executeScript(
                    "return getComputedStyle(document.getElementById('messages'), '::before').content"));
            browser.screenshot("32-reload-while-redis-down");

            redis.launch(); // back, but empty: the history this page would have loaded is gone, and it says so
            browser.waitUpTo(WAIT).withMessage(() -> "notice: '" + notice.getText() + "'")
                    .until(d -> "Redis lost this session's history (it restarted without persistence).".equals(notice.getText()));
            browser.waitUpTo(Duration.ofSeconds(20)).withMessage(() -> "chat state: " + state.getText())
                    .until(d -> "Connected".equals(state.getText()));
            assertEquals("\"No messages yet. Type below and press Enter.\"", driver.executeScript(
                    "return getComputedStyle(document.getElementById('messages'), '::before').content"));
        } finally {
            if (!redis.isRunning()) {
                redis.launch();
            }
        }
    }

    @Test
    void aRefreshPanelIsFetchedAgainWhenRedisGoesDownComesBackEmptyOrGetsMessagesAndCanBeClosed() {
        RedisServerProcess redis = SharedRedis.get();
        choosePersistence("Redis");
        String id = "panel-" + unique;
        addSession(id);
        awaitConnected(id);
        send("kept");
        awaitChat("you: kept", "server: Message #1: kept");
        driver.findElement(card(id)).findElement(By.cssSelector(".refresh")).click();
        WebElement panel = await(visibilityOfElementLocated(resultOf(id, "messages")));
        assertTrue(panel.getText().contains("Redis holds 2 messages"), panel.getText());
        try {
            redis.kill(); // the panel can no longer say what Redis holds
            WebElement down = await(visibilityOfElementLocated(resultOf(id, "error")));
            assertTrue(down.getText().contains("Likely cause: Redis down"), down.getText());
            redis.launch(); // back without the session's data: the panel says Redis lost it, not "persistence not Redis"
            WebElement empty = await(visibilityOfElementLocated(resultOf(id, "empty")));
            assertEquals("lost", empty.getAttribute("data-reason"));
            assertTrue(empty.getText().contains(
                    "Likely cause: Redis lost this session's history (it restarted without persistence)"), empty.getText());
        } finally {
            if (!redis.isRunning()) {
                redis.launch();
            }
        }
        send("one more");
        WebElement refilled = await(visibilityOfElementLocated(resultOf(id, "messages")));
        assertTrue(refilled.getText().contains("Redis holds 2 messages"), refilled.getText());
        browser.screenshot("33-refresh-panel-follows-the-card");
        driver.findElement(card(id)).findElement(By.cssSelector(".close-result")).click();
        await(invisibilityOfElementLocated(By.cssSelector("#sessions li.card[data-session-id='" + id + "'] .redis-result")));
        send("after closing");
        awaitChat("(gone) you: kept", "(gone) server: Message #1: kept",
                "--- Redis lost this session's history (it restarted without persistence). The messages above are no longer in Redis.",
                "you: one more", "server: Message #1: one more", "you: after closing", "server: Message #2: after closing");
        assertFalse(driver.findElement(card(id)).findElement(By.cssSelector(".redis-result")).isDisplayed(),
                "a closed panel stays closed");
    }

    @Test
    void aStalledRedisShowsLiveUpdatesInterruptedUntilTheServerSaysNothingWasLost() {
        RedisServerProcess redis = SharedRedis.get();
        choosePersistence("Redis");
        String id = "stall-" + unique;
        addSession(id);
        awaitConnected(id);
        send("before the stall");
        awaitChat("you: before the stall", "server: Message #1: before the stall");
        WebElement state = byId("chat-state");
        try {
            redis.pause(); // the server's pub/sub probe stops coming back: it reports the live feed interrupted
            browser.waitUpTo(WAIT).withMessage(() -> "chat state: " + state.getText())
                    .until(d -> "Connected · live updates interrupted".equals(state.getText()));
            assertEquals("interrupted", state.getAttribute("data-sync"));
            browser.screenshot("14-live-updates-interrupted");
            redis.resume();
            browser.waitUpTo(WAIT).withMessage(() -> "chat state: " + state.getText())
                    .until(d -> "Connected".equals(state.getText()));
            assertNull(state.getAttribute("data-sync"));
        } finally {
            redis.resume();
        }
        assertEquals("", byId("chat-notice").getText(), "resumed: nothing was lost");
        assertEquals(List.of("you: before the stall", "server: Message #1: before the stall"), chatLog());
    }

    @Test
    void aReloadResumesFromTheStoredSeqAndShowsEachMessageOnce() {
        choosePersistence("Redis");
        String id = "reload-" + unique;
        addSession(id);
        awaitConnected(id);
        send("before the reload");
        List<String> before = List.of("you: before the reload", "server: Message #1: before the reload");
        awaitChat(before.toArray(String[]::new));
        awaitHistoryReads(id, 1);
        String epoch = service.get("api/sessions/" + id + "/messages/").json().getString("epoch");
        awaitResumePoint(id, epoch + "/2");

        try (ChromeBrowser.Recording recording = browser.recordWebSockets()) {
            driver.navigate().refresh();
            awaitApp();
            awaitConnected(id); // the open session opens again by itself
            awaitHistoryReads(id, 1);
            assertEquals("redis_persistence=true&since=2&epoch=" + epoch, query(browser.webSockets().get(0)));
            JsonObject connected = json(browser.webSockets().get(0).received().get(0));
            assertTrue(connected.getBoolean("recovered"), connected::toString);
            assertEquals(0, connected.getInt("replayed"), connected::toString);
            assertEquals(before, chatLog(), "the history from Redis, once");

            // the page is closed while someone else writes; then it is opened again
            driver.get(app + "icon.svg");
            String otherClient;
            try (ChatSocket other = service.persistentSocket(id)) {
                otherClient = "client " + shortLabel(other.connectedFrame().getString("connectionId"));
                other.send("while the page was closed");
                other.nextJson(2);
            }
            driver.get(app);
            awaitApp();
            awaitConnected(id);
            awaitHistoryReads(id, 1);
            awaitResumePoint(id, epoch + "/4");
            WebSocketLog resumed = browser.webSockets().get(0);
            assertEquals("redis_persistence=true&since=2&epoch=" + epoch, query(resumed));
            connected = json(resumed.received().get(0));
            assertTrue(connected.getBoolean("recovered"), connected::toString);
            assertEquals(2, connected.getInt("replayed"), connected::toString);
            assertEquals(1, historyReads(id), "the older messages come from one history read");
            assertEquals(List.of("you: before the reload", "server: Message #1: before the reload",
                    otherClient + ": while the page was closed", "server: Message #2: while the page was closed"),
                    chatLog(),
                    "replayed and read from the history, each shown once");
            assertEquals("", byId("chat-notice").getText());
            browser.screenshot("13-reload-resumed");
        }
    }

    // ------------------------------------------------------------------------------------------------ composer

    @Test
    void multiLineTextTypedWithShiftEnterKeepsItsLinesOnScreenInStorageAndAfterAReload() {
        String id = "lines-" + unique;
        addSession(id);
        awaitConnected(id);
        WebElement input = byId("message-input");
        assertEquals("textarea", input.getTagName());
        double oneLine = heightOf("#message-input");

        input.sendKeys("first line", Keys.chord(Keys.SHIFT, Keys.ENTER), "second line",
                Keys.chord(Keys.SHIFT, Keys.ENTER), "third line");
        assertEquals("first line\nsecond line\nthird line", input.getDomProperty("value"), "Shift+Enter adds a line");
        assertEquals(List.of(), chatLog(), "and sends nothing");
        double threeLines = heightOf("#message-input");
        assertTrue(threeLines > oneLine + 30, "the composer grows with its lines: " + oneLine + " -> " + threeLines);
        browser.screenshot("17-composer-three-lines");

        input.sendKeys(Keys.ENTER);
        String text = "first line\nsecond line\nthird line";
        awaitChat("you: " + text, "server: Message #1: " + text);
        assertEquals("", input.getDomProperty("value"));
        assertEquals(oneLine, heightOf("#message-input"), 0.5, "one line again once sent");
        assertEquals(text, driver.findElement(By.cssSelector("#messages li.msg.sent .msg-text")).getText(),
                "shown on three lines");
        assertTrue(((String) driver.executeScript("return localStorage.getItem(arguments[0])",
                "redis-chat.messages." + id)).contains("first line\\nsecond line\\nthird line"), "stored with its line breaks");

        driver.navigate().refresh();
        awaitApp();
        awaitConnected(id);
        awaitChat("you: " + text, "server: Message #1: " + text);
        assertEquals(text, driver.findElement(By.cssSelector("#messages li.msg.sent .msg-text")).getText());
        assertEquals(0L, driver.executeScript("return document.querySelectorAll('#messages br').length"),
                "line breaks as text, not as markup");

        // a long text: the composer stops growing and scrolls
        WebElement composer = byId("message-input");
        for (int i = 1; i <= 30; i++) {
            composer.sendKeys("line " + i, Keys.chord(Keys.SHIFT, Keys.ENTER));
        }
        double tall = heightOf("#message-input");
        assertTrue(tall > threeLines && tall <= 0.4 * windowHeight() + 1, "grows up to a limit: " + tall);
        assertTrue((Long) driver.executeScript("const t = arguments[0]; return t.scrollHeight - t.clientHeight;",
                composer) > 100, "and scrolls beyond it");
        browser.screenshot("17-multi-line-after-reload");
    }

    @Test
    void scrolledUpAPillSaysNewMessagesCameBelowAndSendingScrollsToYourOwn() {
        choosePersistence("Redis");
        String id = "scroll-" + unique;
        addSession(id);
        awaitConnected(id);
        awaitHistoryReads(id, 1);
        WebElement pill = byId("new-messages");
        try (ChatSocket other = service.persistentSocket(id)) {
            for (int i = 1; i <= 15; i++) {
                other.send("filler " + i);
                other.nextJson(2);
            }
            await(d -> chatLog().size() == 30);
            assertTrue((Long) driver.executeScript(
                    "const l = document.getElementById('messages'); return l.scrollHeight - l.clientHeight;") > 300,
                    "the list scrolls");
            await(d -> listAtBottom());
            assertFalse(pill.isDisplayed(), "at the bottom the list follows what comes in: no pill");

            driver.executeScript("document.getElementById('messages').scrollTop = 0");
            other.send("while you read");
            other.nextJson(2);
            await(d -> chatLog().size() == 32);
            await(ExpectedConditions.visibilityOf(pill));
            assertEquals("new messages ↓", pill.getText());
            assertEquals(0L, ((Number) driver.executeScript("return document.getElementById('messages').scrollTop"))
                    .longValue(), "the reader's place stays");
            assertFalse(shownInList("#messages li.msg"));
            browser.screenshot("18-new-messages-pill");

            pill.click();
            await(ExpectedConditions.invisibilityOf(pill));
            await(d -> listAtBottom());
            assertTrue(shownInList("#messages li.msg"));

            driver.executeScript("document.getElementById('messages').scrollTop = 0");
            send("mine, sent from above");
            await(d -> chatLog().size() == 34);
            assertEquals("you: mine, sent from above", chatLog().get(32));
            await(d -> shownInList("#messages li.msg.sent"));
            await(d -> listAtBottom());
            assertFalse(pill.isDisplayed());
            browser.screenshot("18-own-message-scrolled-to");
        }
    }

    // ------------------------------------------------------------------------------------------------ session cards

    @Test
    void aRemovedSessionCanBePutBackWithUndoUntilTheNoticeGoes() {
        String first = "first-" + unique;
        String gone = "undo-" + unique;
        String last = "last-" + unique;
        addSession(first);
        addSession(gone);
        awaitConnected(gone);
        send("keep me");
        awaitChat("you: keep me", "server: Message #1: keep me");
        addSession(last);
        openCard(gone);
        awaitConnected(gone);

        driver.findElement(card(gone)).findElement(By.xpath(".//button[normalize-space()='Remove']")).click();
        await(invisibilityOfElementLocated(card(gone)));
        WebElement notice = await(visibilityOfElementLocated(By.id("session-undo")));
        assertEquals("Session " + gone + " removed — Undo", notice.getText().replaceAll("\\s+", " "));
        assertEquals("No session selected", byId("chat-title").getText());
        assertEquals(List.of(first, last), storedCardIds(), "removed in storage at once: a reload does not bring it back");
        browser.screenshot("19-session-removed-undo");

        notice.findElement(By.xpath(".//button[normalize-space()='Undo']")).click();
        await(invisibilityOfElementLocated(By.id("session-undo")));
        assertEquals(List.of(first, gone, last), cardIds(), "back in its place");
        awaitConnected(gone); // it was open: open again
        awaitChat("you: keep me", "server: Message #1: keep me");
        assertEquals(List.of(first, gone, last), storedCardIds());
        driver.navigate().refresh();
        awaitApp();
        awaitConnected(gone);
        awaitChat("you: keep me", "server: Message #1: keep me");

        // not undone: the notice goes after a few seconds, and the removal stays
        driver.findElement(card(first)).findElement(By.xpath(".//button[normalize-space()='Remove']")).click();
        WebElement again = await(visibilityOfElementLocated(By.id("session-undo")));
        browser.waitUpTo(Duration.ofSeconds(15)).until(ExpectedConditions.invisibilityOf(again));
        assertEquals(List.of(gone, last), cardIds());
        driver.navigate().refresh();
        awaitApp();
        assertEquals(List.of(gone, last), cardIds());
    }

    @Test
    void addingAnExistingIdOpensItsCardAndNewOrOpenedCardsAreScrolledIntoView() {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 14; i++) {
            ids.add("many-" + i + "-" + unique);
            addSession(ids.get(i));
            await(visibilityOfElementLocated(card(ids.get(i))));
        }
        String newest = ids.get(ids.size() - 1);
        awaitConnected(newest);
        assertTrue(((Number) driver.executeScript("return document.querySelector('.sidebar').scrollTop")).doubleValue() > 0,
                "the sidebar scrolled");
        assertTrue(cardShown(newest), "the new card is in view");

        String oldest = ids.get(0);
        addSession(oldest);
        awaitConnected(oldest);
        assertEquals(ids, cardIds(), "no second card of an id");
        assertEquals("Session " + oldest + " is already in the list (localStorage): opened it.",
                byId("session-id-error").getText());
        assertNull(byId("session-id").getAttribute("aria-invalid"), "not an error");
        assertEquals("true", driver.findElement(card(oldest)).getAttribute("data-active"));
        assertTrue(cardShown(oldest), "the opened card is in view");
        browser.screenshot("20-existing-id-opened");
    }

    @Test
    void changingSessionPersistenceSaysItAppliesToNewSessionsOnly() {
        assertEquals("", byId("persistence-scope").getText(), "nothing to say before a change");
        addSession("scope-" + unique);
        choosePersistence("Redis");
        assertEquals("Sessions stored in Redis with TTL", byId("persistence-hint").getText());
        assertEquals("Applies to sessions added from now on; the session in the list keeps its own.",
                byId("persistence-scope").getText());
        assertEquals("localStorage", chipOf("scope-" + unique));
        browser.screenshot("21-persistence-applies-to-new-sessions");
    }

    @Test
    void fullSessionIdsAreReadableAtPhoneWidth() {
        browser.phoneViewport(375, 800);
        driver.navigate().refresh();
        awaitApp();
        String id = ("phone-id-" + unique + "-").repeat(10).substring(0, 128);
        addSession(id);
        awaitConnected(id);
        WebElement cardId = driver.findElement(card(id)).findElement(By.cssSelector(".card-id"));
        assertEquals(id, cardId.getAttribute("title"));
        assertEquals(id, byId("chat-title").getAttribute("title"));
        for (String selector : List.of(".card-id", "#chat-title")) {
            assertEquals(Boolean.TRUE, driver.executeScript("""
                    const e = document.querySelector(arguments[0]);
                    return e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().height > 40;
                    """, selector), selector + " shows the whole id, on several lines");
        }
        assertEquals(id, cardId.getText().replace("\n", ""));
        assertTrue((Long) driver.executeScript("return document.documentElement.scrollWidth") <= 375, this::tooWide);
        browser.fullPageScreenshot("22-phone-full-session-id");
    }

    // ------------------------------------------------------------------------------------------------ layout

    @Test
    void phoneWidthLayoutFitsWithoutSidewaysScrolling() {
        browser.phoneViewport(375, 800);
        driver.navigate().refresh();
        awaitApp();
        assertEquals(375L, driver.executeScript("return window.innerWidth"), this::tooWide);
        choosePersistence("Redis");
        String id = "phone-" + unique;
        addSession(id);
        awaitConnected(id);
        send("Hello from a phone");
        awaitChat("you: Hello from a phone", "server: Message #1: Hello from a phone");
        driver.findElement(card(id)).findElement(By.cssSelector(".refresh")).click();
        await(visibilityOfElementLocated(resultOf(id, "messages")));

        assertTrue((Long) driver.executeScript("return document.documentElement.scrollWidth") <= 375, this::tooWide);
        for (String selector : List.of(".topbar", "#persistence", "#session-id", "#sessions li.card", ".refresh",
                "#messages", "#message-input", "#send-button")) {
            @SuppressWarnings("unchecked")
            Map<String, Number> box = (Map<String, Number>) driver.executeScript(
                    "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
                            + "return {left: r.left, right: r.right, width: r.width};", selector);
            assertTrue(box.get("left").doubleValue() >= 0 && box.get("right").doubleValue() <= 375
                    && box.get("width").doubleValue() > 0, selector + " " + box);
        }
        browser.fullPageScreenshot("10-phone-375-full-page");
        browser.screenshot("10-phone-375");
    }

    /** The elements that stick out of a 375 px wide page, for a failure message. */
    String tooWide() {
        return "wider than 375 px: " + driver.executeScript("""
                return [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > 375.5)
                    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                        + ' ' + Math.round(e.getBoundingClientRect().right))
                    .slice(0, 12);
                """);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The connection id this page had last in the session, as its card keeps it in localStorage. */
    String newestConnectionId(String id) {
        return (String) driver.executeScript("""
                const card = JSON.parse(localStorage.getItem('redis-chat.sessions')).find(s => s.id === arguments[0]);
                return card.connectionIds[card.connectionIds.length - 1];
                """, id);
    }

    /** The UI's colour of another author (conversation.js authorTone): its FNV-1a hash modulo 8. */
    static int tone(String from) {
        int hash = 0x811c9dc5;
        for (int i = 0; i < from.length(); i++) {
            hash = (hash ^ from.charAt(i)) * 0x01000193;
        }
        return (int) (Integer.toUnsignedLong(hash) % 8);
    }

    @SuppressWarnings("unchecked")
    List<String> toneClassesOfOthers() {
        return (List<String>) driver.executeScript("""
                return [...document.querySelectorAll('#messages li.msg.other')]
                    .map(li => [...li.classList].find(c => c.startsWith('tone-')) ?? 'none');
                """);
    }

    @SuppressWarnings("unchecked")
    List<String> storedCardIds() {
        return (List<String>) driver.executeScript(
                "return JSON.parse(localStorage.getItem('redis-chat.sessions') ?? '[]').map(s => s.id)");
    }

    double heightOf(String selector) {
        return ((Number) driver.executeScript(
                "return document.querySelector(arguments[0]).getBoundingClientRect().height", selector)).doubleValue();
    }

    boolean listAtBottom() {
        return (Boolean) driver.executeScript(
                "const l = document.getElementById('messages'); return l.scrollHeight - l.scrollTop - l.clientHeight < 2;");
    }

    /** The last element the selector finds is wholly within the message list's visible part. */
    boolean shownInList(String selector) {
        return (Boolean) driver.executeScript("""
                const l = document.getElementById('messages').getBoundingClientRect();
                const e = [...document.querySelectorAll(arguments[0])].at(-1).getBoundingClientRect();
                return e.top >= l.top - 1 && e.bottom <= l.bottom + 1;
                """, selector);
    }

    /** The card is wholly within the sidebar's visible part and the window. */
    boolean cardShown(String id) {
        return (Boolean) driver.executeScript("""
                const s = document.querySelector('.sidebar').getBoundingClientRect();
                const c = document.querySelector(arguments[0]).getBoundingClientRect();
                return c.top >= Math.max(s.top, 0) - 1 && c.bottom <= Math.min(s.bottom, window.innerHeight) + 1;
                """, "#sessions li.card[data-session-id='" + id + "']");
    }

    double bottomOf(String selector) {
        return ((Number) driver.executeScript(
                "return document.querySelector(arguments[0]).getBoundingClientRect().bottom", selector)).doubleValue();
    }

    double windowHeight() {
        return ((Number) driver.executeScript("return window.innerHeight")).doubleValue();
    }

    void awaitApp() {
        await(d -> "up".equals(byId("redis-status").getAttribute("data-state")));
    }

    WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    <T> T await(Function<WebDriver, T> condition) {
        return browser.waitUpTo(WAIT).until(condition);
    }

    void choosePersistence(String visibleText) {
        new Select(byId("persistence")).selectByVisibleText(visibleText);
    }

    String selectedPersistence() {
        return byId("persistence").getDomProperty("value");
    }

    void addSession(String id) {
        WebElement input = byId("session-id");
        input.clear();
        if (!id.isEmpty()) {
            input.sendKeys(id);
        }
        driver.findElement(By.xpath("//button[normalize-space()='Add Session']")).click();
    }

    static By card(String id) {
        return By.cssSelector("#sessions li.card[data-session-id='" + id + "']");
    }

    static By resultOf(String id, String kind) {
        return By.cssSelector("#sessions li.card[data-session-id='" + id + "'] .redis-result[data-kind='" + kind + "']");
    }

    void openCard(String id) {
        await(visibilityOfElementLocated(card(id))).findElement(By.cssSelector(".card-open")).click();
    }

    String chipOf(String id) {
        return driver.findElement(card(id)).findElement(By.cssSelector(".chip")).getText();
    }

    List<String> cardIds() {
        return driver.findElements(By.cssSelector("#sessions li.card")).stream()
                .map(card -> card.getAttribute("data-session-id")).toList();
    }

    void awaitConnected(String id) {
        await(textToBe(By.id("chat-title"), id));
        await(d -> "open".equals(byId("chat-state").getAttribute("data-state")));
        assertEquals("Connected", byId("chat-state-text").getText());
    }

    void send(String text) {
        byId("message-input").sendKeys(text, Keys.ENTER);
    }

    /** This test's page on the instance at the default message rate, from empty storage. */
    void openAtDefaultRate() {
        if (atDefaultRate == null) {
            atDefaultRate = PayaraMicroProcess.start(Map.of("CHANNEL_REDIS_URL", SharedRedis.get().url(),
                    "CHAT_CONNECTION_MAX_MESSAGES_PER_SECOND", "20"));
        }
        driver.get(atDefaultRate.root() + "icon.svg");
        driver.executeScript("localStorage.clear(); sessionStorage.clear()");
        driver.get(atDefaultRate.root().toString());
        awaitApp();
    }

    /**
     * Sends {@code count} messages "prefix0", "prefix1", ... with Enter, one right after the other: a burst faster than
     * anyone types (issue 11 saw 60 in 1.3 s), so the text is put in the composer and Enter pressed by script.
     */
    void typeFast(int count, String prefix) {
        driver.executeScript("""
                const [count, prefix] = arguments;
                const input = document.getElementById('message-input');
                for (let i = 0; i < count; i += 1) {
                    input.value = prefix + i;
                    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
                }
                """, count, prefix);
    }

    static List<String> expected(int count, String prefix) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    /** Our messages the chat shows, as a set (the server's refusals may have changed their order). */
    java.util.SortedSet<String> ownLines() {
        return chatLog().stream().filter(line -> line.startsWith("you"))
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    /** rate_limited errors this page's sockets received. */
    long rateLimitedErrors() {
        return browser.webSockets().stream().flatMap(socket -> socket.received().stream())
                .filter(frame -> frame.contains("\"code\":\"rate_limited\"")).count();
    }

    long unnamedRateLimitedErrors() {
        return browser.webSockets().stream().flatMap(socket -> socket.received().stream())
                .filter(frame -> frame.contains("\"code\":\"rate_limited\"") && !json(frame).containsKey("clientId"))
                .count();
    }

    @SuppressWarnings("unchecked")
    /** The UI's label of another client (conversation.js shortLabel): 4 hex digits of the id's FNV-1a hash. */
    static String shortLabel(String connectionId) {
        int hash = 0x811c9dc5;
        for (int i = 0; i < connectionId.length(); i++) {
            hash = (hash ^ connectionId.charAt(i)) * 0x01000193;
        }
        return String.format("%08x", hash).substring(0, 4);
    }

    List<String> chatLog() {
        return (List<String>) driver.executeScript(CHAT_LOG);
    }

    void awaitChat(String... lines) {
        List<String> expected = List.of(lines);
        browser.waitUpTo(WAIT).withMessage(() -> "chat shows " + chatLog() + ", expected " + expected)
                .until(d -> expected.equals(chatLog()));
    }

    /** This page has read the session's history from Redis at least {@code reads} times, and shows what it read. */
    void awaitHistoryReads(String id, long reads) {
        browser.waitUpTo(WAIT).withMessage(() -> historyReads(id) + " history reads, expected " + reads)
                .until(d -> historyReads(id) >= reads && !"true".equals(byId("messages").getAttribute("aria-busy")));
    }

    /** Where the card says its session resumes: "epoch/lastSeq" as kept in localStorage. */
    String storedResumePoint(String id) {
        return (String) driver.executeScript("""
                const card = JSON.parse(localStorage.getItem('redis-chat.sessions') ?? '[]').find(s => s.id === arguments[0]);
                return card ? card.epoch + '/' + card.lastSeq : 'no card';
                """, id);
    }

    void awaitResumePoint(String id, String expected) {
        browser.waitUpTo(WAIT).withMessage(() -> "resume point " + storedResumePoint(id) + ", expected " + expected)
                .until(d -> expected.equals(storedResumePoint(id)));
    }

    /** How often this page has read the session's history from the REST API. */
    long historyReads(String id) {
        return (Long) driver.executeScript(
                "return performance.getEntriesByType('resource').filter(e => e.name.includes(arguments[0])).length",
                "/api/sessions/" + id + "/messages");
    }

    /** The socket's query without the page's author secret (see {@link #authorSecret}). */
    static String query(WebSocketLog socket) {
        return URI.create(socket.url()).getQuery().replaceAll("&?author_secret=[^&]*", "");
    }

    /** The author_secret the page sent with this socket, or null. */
    static String authorSecret(WebSocketLog socket) {
        for (String parameter : URI.create(socket.url()).getQuery().split("&")) {
            if (parameter.startsWith("author_secret=")) {
                return parameter.substring("author_secret=".length());
            }
        }
        return null;
    }

    static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    static List<String> texts(List<WebElement> elements) {
        return elements.stream().map(WebElement::getText).toList();
    }

    /** "expires in 4:59" -> 299; -1 for anything else ("not stored yet"). */
    static int secondsLeft(String countdown) {
        Matcher m = COUNTDOWN.matcher(countdown);
        return m.matches() ? Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2)) : -1;
    }
}
