package io.redischat.ops.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.ChromeBrowser;
import io.redischat.testsupport.PayaraMicroProcess;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.ServiceClient;

/**
 * The ops console at {@code /chat/ops/} as an operator meets it: the WAR on Payara Micro with the admin API on, a
 * real Redis, a headless Chromium. A wrong token is asked again; the right one lists the sessions made through
 * WebSockets, pages through them and searches the page; a session's history and detail open; its TTL changes and
 * it is deleted, each after a confirmation; the live counters move while messages are sent. No script error and no
 * Content-Security-Policy violation on the way. Screenshots: {@code target/screenshots/50-...}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpsConsoleIT {

    static final String TOKEN = "ops-token-" + System.nanoTime() + "-secret";
    static final String PREFIX = "ops-" + Long.toString(System.nanoTime(), 36) + "-";
    static final int SESSIONS = 17;
    static final Duration WAIT = Duration.ofSeconds(15);

    static RedisServerProcess redis;
    static PayaraMicroProcess app;
    static ServiceClient service;
    static ChromeBrowser browser;
    static ChromeDriver driver;
    static final Set<String> created = new TreeSet<>();

    @RegisterExtension
    static final TestWatcher SCREENSHOT_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                browser.screenshot("FAILED-ops-" + context.getRequiredTestMethod().getName());
            }
        }
    };

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
        app = PayaraMicroProcess.start(Map.of("CHANNEL_REDIS_URL", redis.url(), "CHAT_ADMIN_TOKEN", TOKEN,
                "CHAT_CLIENT_MAX_NEW_SESSIONS_PER_MINUTE", "1000"));
        service = app.client();
        for (int i = 1; i <= SESSIONS; i++) {
            String id = PREFIX + "s" + String.format("%02d", i);
            try (ChatSocket socket = service.persistentSocket(id)) {
                assertTrue(socket.sendOnce("hello " + i) != null, "stored in Redis");
            }
            created.add(id);
        }
        browser = ChromeBrowser.start();
        driver = browser.driver();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (app != null) {
            app.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void pageHadNoScriptErrorsOrPolicyViolations() {
        assertEquals(List.of(), browser.pageProblems(), "uncaught errors or Content-Security-Policy violations");
    }

    // ------------------------------------------------------------------------------------------------ the API

    @Test
    @Order(1)
    void theSessionsPageSaysHowManyInstancesServe() {
        await(d -> admin("GET", "sessions?limit=1", null).getInt("instances") == 1);
    }

    // ------------------------------------------------------------------------------------------------ the token

    @Test
    @Order(2)
    void aWrongTokenIsAskedForAgainAndNotKept() {
        driver.get(app.root() + "ops"); // without the slash: the server adds it
        WebElement input = await(d -> visible("token-input"));
        assertTrue(driver.getCurrentUrl().endsWith("/chat/ops/"), driver.getCurrentUrl());
        browser.screenshot("50-ops-token-prompt");
        input.sendKeys("not-the-token");
        input.submit();
        await(d -> byId("token-error").getText().contains("not accepted"));
        assertTrue(byId("token-panel").isDisplayed());
        assertFalse(byId("console").isDisplayed());
        assertNull(driver.executeScript("return sessionStorage.getItem('redis-chat-ops-token')"));
        browser.screenshot("51-ops-wrong-token");
    }

    @Test
    @Order(3)
    void theTokenListsTheSessionsKeptInTheTabOnly() {
        driver.get(app.root() + "ops/");
        enterToken();
        await(d -> rowIds().containsAll(created));
        assertEquals(TOKEN, driver.executeScript("return sessionStorage.getItem('redis-chat-ops-token')"));
        assertEquals(0L, driver.executeScript("return localStorage.length"), "never in localStorage");
        assertTrue(byId("redis-status-text").getText().matches("Redis \\d+\\.\\d+.* connected"),
                byId("redis-status-text").getText());
        assertEquals("1", byId("instances").getText());
        browser.screenshot("52-ops-sessions");

        driver.navigate().refresh();
        await(d -> rowIds().containsAll(created)); // the tab keeps it over a reload
        byId("forget-token").click();
        await(d -> visible("token-input"));
        assertNull(driver.executeScript("return sessionStorage.getItem('redis-chat-ops-token')"));
        enterToken();
        await(d -> rowIds().containsAll(created));
    }

    @Test
    @Order(4)
    void pagesGoForwardWithTheCursorAndBackThroughTheOnesBefore() {
        new org.openqa.selenium.support.ui.Select(byId("page-size")).selectByValue("5");
        await(d -> byId("page-number").getText().equals("Page 1") && rowIds().size() < SESSIONS);
        List<String> first = rowIds();
        Set<String> seen = new LinkedHashSet<>(first);
        int pages = 1;
        while (byId("next-page").isEnabled()) {
            List<String> before = rowIds();
            byId("next-page").click();
            pages++;
            String page = "Page " + pages;
            await(d -> byId("page-number").getText().equals(page) && !rowIds().equals(before));
            seen.addAll(rowIds());
            if (pages == 2) {
                browser.screenshot("53-ops-second-page");
            }
        }
        assertTrue(pages >= 2, "17 sessions at 5 a page take more than one page");
        assertEquals(created, new TreeSet<>(seen), "every session on some page");
        for (int back = pages - 1; back >= 1; back--) {
            byId("prev-page").click();
            String page = "Page " + back;
            await(d -> byId("page-number").getText().equals(page));
        }
        await(d -> rowIds().equals(first));
        assertFalse(byId("prev-page").isEnabled());
        new org.openqa.selenium.support.ui.Select(byId("page-size")).selectByValue("100");
        await(d -> rowIds().containsAll(created));
    }

    @Test
    @Order(5)
    void searchFiltersTheLoadedPageById() {
        byId("search").sendKeys("S07");
        await(d -> rowIds().equals(List.of(PREFIX + "s07")));
        assertEquals("1 of " + SESSIONS, byId("session-count").getAttribute("textContent"));
        browser.screenshot("54-ops-search");
        byId("search").clear();
        byId("search").sendKeys(" ");
        await(d -> rowIds().size() == SESSIONS);
    }

    @Test
    @Order(6)
    void aSessionOpensWithItsHistoryAndDetail() {
        openSession(PREFIX + "s03");
        await(d -> historyTexts().equals(List.of("hello 3", "Message #1: hello 3")));
        assertEquals("2", field("entries"));
        assertEquals("2", field("last-seq"));
        browser.screenshot("55-ops-session-history");
    }

    @Test
    @Order(7)
    void theTtlChangesAfterAConfirmation() {
        String id = PREFIX + "s03";
        byId("ttl-input").sendKeys("1234");
        byId("ttl-button").click();
        await(d -> visible("confirm"));
        assertTrue(byId("confirm-text").getText().contains("1234"), byId("confirm-text").getText());
        browser.screenshot("56-ops-ttl-confirm");
        assertTrue(ttlOf(id) <= 300, "nothing changes before the confirmation");
        byId("confirm-yes").click();
        await(d -> byId("detail-notice").getText().contains("TTL of " + id + " set to 1234 s"));
        long ttl = ttlOf(id);
        assertTrue(ttl > 1200 && ttl <= 1234, "ttl_remaining " + ttl);
        assertTrue(field("ttl").matches("20:[0-3]\\d"), field("ttl"));
        await(d -> row(id).findElement(By.cssSelector(".ttl")).getText().matches("20:[0-3]\\d"));
        browser.screenshot("57-ops-ttl-changed");
    }

    @Test
    @Order(8)
    void aSessionIsDeletedOnlyAfterAConfirmation() {
        String id = PREFIX + "s03";
        byId("delete-button").click();
        await(d -> visible("confirm"));
        assertTrue(byId("confirm-text").getText().contains("Delete session " + id), byId("confirm-text").getText());
        byId("confirm-no").click();
        await(d -> !byId("confirm").isDisplayed());
        assertEquals(200, adminStatus("GET", "sessions/" + id), "cancelled: still there");

        byId("delete-button").click();
        await(d -> visible("confirm"));
        browser.screenshot("58-ops-delete-confirm");
        byId("confirm-yes").click();
        await(d -> byId("detail-notice").getText().equals("Session " + id + " deleted."));
        await(d -> !rowIds().contains(id) && rowIds().size() == SESSIONS - 1);
        assertEquals(404, adminStatus("GET", "sessions/" + id));
        created.remove(id);
        browser.screenshot("59-ops-deleted");
    }

    @Test
    @Order(9)
    void theCountersMoveWhileMessagesAreSent() {
        await(d -> byId("counter-received").getText().matches("\\d+"));
        long before = Long.parseLong(byId("counter-received").getText());
        try (ChatSocket socket = service.persistentSocket(PREFIX + "live")) {
            long until = System.nanoTime() + WAIT.toNanos();
            int n = 0;
            boolean moved = false;
            while (!moved && System.nanoTime() < until) {
                socket.send("live " + n++);
                socket.nextJson(2);
                sleep(150);
                String received = byId("counter-received").getText();
                String rate = byId("counter-rate").getText();
                moved = received.matches("\\d+") && Long.parseLong(received) > before
                        && rate.matches("\\d+\\.\\d") && Double.parseDouble(rate) > 0
                        && byId("counter-connections").getText().matches("[1-9]\\d*");
            }
            assertTrue(moved, "received " + byId("counter-received").getText() + ", rate "
                    + byId("counter-rate").getText() + ", connections " + byId("counter-connections").getText());
            assertEquals("0", byId("counter-errors").getText(), "Redis made no errors");
            browser.screenshot("60-ops-counters");
        }
    }

    @Test
    @Order(10)
    void redisDownIsSaidAsSuchAndGoesAwayWhenItIsBack() {
        redis.kill();
        try {
            byId("refresh").click();
            await(d -> byId("ops-alert").isDisplayed()
                    && byId("ops-alert-text").getText().startsWith("Redis is unavailable (503)"));
            await(d -> "down".equals(byId("redis-status").getAttribute("data-state")));
            browser.screenshot("61-ops-redis-down");
        } finally {
            redis.launch();
        }
        await(d -> "up".equals(byId("redis-status").getAttribute("data-state")));
        byId("refresh").click(); // the sessions may be gone with Redis (it keeps nothing here): the error is
        await(d -> !byId("ops-alert").isDisplayed());
    }

    @Test
    @Order(11)
    void anInstanceWithoutTheAdminApiSaysWhichSettingSwitchesItOn() {
        try (PayaraMicroProcess closed = PayaraMicroProcess.start(Map.of("CHANNEL_REDIS_URL", redis.url()))) {
            driver.get(closed.root() + "ops/");
            WebElement input = await(d -> visible("token-input"));
            input.sendKeys(TOKEN);
            input.submit();
            await(d -> byId("ops-alert").isDisplayed());
            assertTrue(byId("ops-alert-text").getText().contains("set chat.admin.token (CHAT_ADMIN_TOKEN)"),
                    byId("ops-alert-text").getText());
            browser.screenshot("62-ops-admin-api-off");
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static void enterToken() {
        WebElement input = await(d -> visible("token-input"));
        input.sendKeys(TOKEN);
        input.submit();
        await(d -> byId("console").isDisplayed());
    }

    static void openSession(String id) {
        row(id).findElement(By.cssSelector("button")).click();
        await(d -> byId("detail-title").getAttribute("textContent").equals("Session " + id));
    }

    static WebElement row(String id) {
        return driver.findElement(By.cssSelector("#sessions tr[data-session-id='" + id + "']"));
    }

    @SuppressWarnings("unchecked")
    static List<String> rowIds() {
        return new ArrayList<>((List<String>) driver.executeScript(
                "return [...document.querySelectorAll('#sessions tr')].map(tr => tr.dataset.sessionId)"));
    }

    @SuppressWarnings("unchecked")
    static List<String> historyTexts() {
        return (List<String>) driver.executeScript(
                "return [...document.querySelectorAll('#history .history-text')].map(e => e.textContent)");
    }

    static String field(String name) {
        return driver.findElement(By.cssSelector("#detail-fields dd[data-field='" + name + "']")).getText();
    }

    static WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    static WebElement visible(String id) {
        WebElement element = byId(id);
        return element.isDisplayed() ? element : null;
    }

    static <T> T await(Function<WebDriver, T> condition) {
        return browser.waitUpTo(WAIT).until(condition);
    }

    static long ttlOf(String id) {
        return admin("GET", "sessions/" + id, null).getJsonObject("session").getJsonNumber("ttl_remaining")
                .longValue();
    }

    static JsonObject admin(String method, String path, String body) {
        HttpResponse<String> response = call(method, path, body);
        assertEquals(200, response.statusCode(), response.body());
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    static int adminStatus(String method, String path) {
        return call(method, path, null).statusCode();
    }

    static HttpResponse<String> call(String method, String path, String body) {
        var request = HttpRequest.newBuilder(URI.create(app.root() + "api/admin/" + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        try {
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
