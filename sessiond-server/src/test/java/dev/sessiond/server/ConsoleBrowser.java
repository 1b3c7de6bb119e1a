package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One real server per test class and a fresh headless Chromium (Debian's, with its own empty
 * profile) per test: what the console's browser tests share.
 */
abstract class ConsoleBrowser {

  /**
   * The server's reconnect grace: long enough that a browser on a loaded machine sees a session
   * read "reconnecting" before the grace ends (the default 5 s left little room for that).
   */
  static final Duration RECONNECT_GRACE = Duration.ofSeconds(8);

  @TempDir
  static Path dir;
  static TestServer server;
  static Api api;
  ChromeDriver browser;
  WebDriverWait wait;
  @TempDir
  Path profile;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir, c -> new Config(c.host(), c.port(), c.store(), c.dataDir(), c.adminUser(),
        c.adminPassword(), c.apiToken(), c.policy(), c.secureCookies(), c.metricsPublic(), c.wsHeartbeat(),
        RECONNECT_GRACE, c.redisUri(), c.redisClusterUris(), c.redisWaitReplicas(), c.forwardAuth(), c.corsOrigins(),
        c.webhooks(), c.eventRetention()));
    api = server.api;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void openBrowser() {
    browser = chromium(profile, "1280,800");
    wait = waiting(Duration.ofSeconds(10));
  }

  @AfterEach
  void closeBrowser() {
    browser.quit();
  }

  /**
   * A wait that tries again when an element it holds went stale: the console redraws a table
   * (a list loaded again) while a condition reads it.
   */
  private WebDriverWait waiting(Duration timeout) {
    return waiting(browser, timeout);
  }

  /**
   * A wait for {@code browser} that tries again when an element it read went stale: a page
   * redrawn, or replaced by the next one (a form posted) while the condition reads it.
   */
  static WebDriverWait waiting(org.openqa.selenium.WebDriver browser, Duration timeout) {
    WebDriverWait w = new WebDriverWait(browser, timeout);
    w.ignoring(StaleElementReferenceException.class);
    return w;
  }

  /** The text of what {@code by} finds now, found again if the console redraws it meanwhile. */
  String textOf(By by) {
    return wait.until(d -> d.findElement(by).getText());
  }

  /** Creates a member with the API token and returns its ID; {@code profile} is JSON, e.g. {@code {"is_admin":false}}. */
  static String member(String username, String password, String profile) {
    Api.Res r = api.post("/api/members", "{\"username\":" + Api.quote(username) + ",\"password\":" + Api.quote(password)
        + ",\"profile\":" + profile + "}", "Authorization", Api.bearer(TestServer.API_TOKEN));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("id").asText();
  }

  /** Logs a member in from another client and returns the session's JSON (with its token). */
  static JsonNode loginElsewhere(String username, String password, String userAgent) {
    Api.Res r = api.post("/api/login", "{\"username\":" + Api.quote(username) + ",\"password\":" + Api.quote(password) + "}",
        "User-Agent", userAgent);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  /** Closes a client's socket as a page being reloaded does, and waits for the server's answer to the close. */
  static void closeSocket(WsClient ws) {
    ws.socket.sendClose(WebSocket.NORMAL_CLOSURE, "reload").join();
    ws.awaitClose();
  }

  /** A wait that outlasts the reconnect grace: for what happens when the grace ends. */
  WebDriverWait pastTheGrace() {
    return waiting(RECONNECT_GRACE.plusSeconds(10));
  }

  /** Debian's headless Chromium with an empty profile in {@code profile}, nothing fetched from outside. */
  static ChromeDriver chromium(Path profile, String windowSize, String... moreArguments) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile, "--window-size=" + windowSize);
    options.addArguments(moreArguments);
    // What the page's console says (a refused script or style sheet, a script error), for tests that read it.
    options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }
}
