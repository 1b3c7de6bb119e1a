package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.sessiond.core.SessionPolicy;
import dev.sessiond.server.http.BrowserModule;
import dev.sessiond.store.redis.Ports;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * clients/js/sessiond.js, as served at /js/sessiond-<version>.js, in one real headless Chromium
 * against the real server (a 2 s heartbeat): what each close code does to a page, a restart
 * with 50 module instances open, the devices list live, and the example page. Each module
 * instance is imported under its own query (its own module record, as in its own page) and
 * records every event it emits in {@code window.runs[name]}.
 */
class BrowserModuleIT {

  static final Duration HEARTBEAT = Duration.ofSeconds(2);
  static final int MAX_SESSIONS_PER_USER = 5;

  @TempDir
  static Path dir;
  @TempDir
  static Path profile;
  static Config config;
  static TestServer server;
  static Api api;
  static ChromeDriver browser;
  static HttpServer app;
  static String module;
  /** connect()'s options besides url and token: none but in the restart test. */
  Map<String, Object> options = Map.of();

  @BeforeAll
  static void start() throws Exception {
    // The example's own origin: an app on another host that loads the module and calls sessiond with its token.
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
    Path clients = Path.of("..", "clients", "js").toAbsolutePath().normalize();
    app.createContext("/", ex -> {
      Path file = clients.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
      boolean ok = file.startsWith(clients) && Files.isRegularFile(file);
      byte[] body = ok ? Files.readAllBytes(file) : new byte[0];
      ex.getResponseHeaders().set("Content-Type", file.toString().endsWith(".js") ? "text/javascript" : "text/html; charset=utf-8");
      ex.sendResponseHeaders(ok ? 200 : 404, body.length == 0 ? -1 : body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    app.start();
    int port = Ports.free();
    Config base = TestServer.config(dir);
    config = new Config(base.host(), port, base.store(), base.dataDir(), base.adminUser(), base.adminPassword(),
        base.apiToken(), new SessionPolicy(Duration.ofHours(1), Duration.ofHours(24), MAX_SESSIONS_PER_USER,
            SessionPolicy.OnLimit.EVICT_OLDEST), base.secureCookies(), base.metricsPublic(), HEARTBEAT,
        base.wsReconnectGrace(), base.redisUri(), base.redisClusterUris(), base.redisWaitReplicas(), base.forwardAuth(),
        List.of("http://127.0.0.1:" + app.getAddress().getPort()), base.webhooks(), base.eventRetention());
    server = TestServer.start(dir, c -> config);
    api = server.api;
    module = new BrowserModule().path();
    browser = ConsoleBrowser.chromium(profile, "1024,768");
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
    if (app != null) {
      app.stop(0);
    }
  }

  /** A page of sessiond's origin with nothing on it but what the test imports: the module's own URL. */
  private void freshPage() {
    browser.get("http://127.0.0.1:" + config.port() + module);
    browser.executeScript("window.runs = {};");
  }

  /** Imports the module as its own instance {@code name} and connects with {@code token} (through {@code url}, default sessiond). */
  private void open(String name, String token, String url) {
    open(java.util.Collections.singletonList(new String[] {name, token, url}));
  }

  /** {@link #open(String, String, String)} for each {name, token, url}, all at once. */
  private void open(List<String[]> instances) {
    browser.executeAsyncScript("""
        const [instances, path, options, done] = arguments;
        Promise.all(instances.map(([name, token, url]) => import(path + '?instance=' + encodeURIComponent(name))
          .then(({ connect }) => {
            const run = { events: [], devices: null };
            window.runs[name] = run;
            run.session = connect(url ? { url, token, ...options } : { token, ...options });
            for (const type of ['state', 'signedout', 'disconnected']) {
              run.session.on(type, (e) => run.events.push({ type, at: Date.now(), state: e.state, code: e.code,
                reason: e.reason, message: e.message, delay: e.delay }));
            }
          }))).then(() => done());
        """, instances.stream().map(java.util.Arrays::asList).toList(), module, options);
  }

  /** What instance {@code name} emitted so far, oldest first. */
  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> events(String name) {
    return (List<Map<String, Object>>) browser.executeScript("return window.runs[arguments[0]].events;", name);
  }

  private static boolean has(List<Map<String, Object>> events, String type, Object state, Object code) {
    return events.stream().anyMatch(e -> type.equals(e.get("type")) && (state == null || state.equals(e.get("state")))
        && (code == null || e.get("code") instanceof Number n && code.equals(n.intValue())));
  }

  private static long opens(List<Map<String, Object>> events) {
    return events.stream().filter(e -> "open".equals(e.get("state"))).count();
  }

  private static WebDriverWait waiting(Duration timeout) {
    return ConsoleBrowser.waiting(browser, timeout);
  }

  private static String token(JsonNode session) {
    return session.get("token").asText();
  }

  @Test
  void eachCloseCodeEitherReconnectsOrEndsTheSessionForGood() throws Exception {
    freshPage();
    try (Relay lostNet = new Relay(config.port()); Relay mute = new Relay(config.port());
        Relay strange = new Relay(config.port())) {
      JsonNode dropped = api.createSession("codes-dropped");
      JsonNode loggedOut = api.createSession("codes-logged-out");
      JsonNode revoked = api.createSession("codes-revoked");
      JsonNode interrupted = api.createSession("codes-interrupted");
      member("codes-member", "pw-codes-member");
      JsonNode memberSession = loginElsewhere("codes-member", "pw-codes-member");
      JsonNode evicted = api.createSession("codes-evicted");
      JsonNode other = api.createSession("codes-elsewhere");
      JsonNode lost = api.createSession("codes-lost");
      JsonNode silent = api.createSession("codes-silent");
      JsonNode unknown = api.createSession("codes-unknown");
      open(List.of(new String[] {"4001", token(dropped), null}, new String[] {"4002", token(loggedOut), null},
          new String[] {"4003", token(revoked), null}, new String[] {"4004", token(interrupted), null},
          new String[] {"4006", token(memberSession), null}, new String[] {"4008", token(evicted), null},
          new String[] {"4010", token(other), null},
          new String[] {"1006", token(lost), "http://127.0.0.1:" + lostNet.port()},
          new String[] {"4009", token(silent), "http://127.0.0.1:" + mute.port()},
          new String[] {"4099", token(unknown), "http://127.0.0.1:" + strange.port()}));
      List<String> names = List.of("4001", "4002", "4003", "4004", "4006", "4008", "4010", "1006", "4009", "4099");
      waiting(Duration.ofSeconds(20)).until(d -> names.stream().allMatch(n -> opens(events(n)) == 1));

      mute.mute();   // the 4009 socket: its pongs no longer reach the server
      lostNet.cut();
      strange.closeWith(4099);   // a code this version does not know: the session counts as ended
      String admin = bearer(TestServer.API_TOKEN);
      assertThat(api.post("/api/sessions/" + dropped.get("id").asText() + "/disconnect", "", "Authorization", admin).status())
          .isEqualTo(204);
      assertThat(api.post("/api/logout", "", "Authorization", bearer(token(loggedOut))).status()).isEqualTo(204);
      assertThat(api.delete("/api/sessions/" + revoked.get("id").asText(), "Authorization", admin).status()).isEqualTo(204);
      assertThat(api.delete("/sessions/codes-interrupted", "Authorization", admin).status()).isEqualTo(200);
      String memberId = memberSession.get("user_id").asText();
      assertThat(api.post("/api/members/" + memberId + "/password", "{\"password\":\"pw-codes-member-2\"}",
          "Authorization", admin).status()).isEqualTo(204);
      for (int i = 0; i < MAX_SESSIONS_PER_USER; i++) {
        api.createSession("codes-evicted");
      }
      // 4010: signed out from another of the user's devices.
      JsonNode signer = api.createSession("codes-elsewhere");
      assertThat(api.delete("/api/me/sessions/" + other.get("id").asText(), "Authorization", bearer(token(signer))).status())
          .isEqualTo(204);

      // The server pushes every end at once; the muted socket times out after two heartbeats.
      Map<String, Integer> ends = Map.of("4002", 4002, "4003", 4003, "4004", 4004, "4006", 4006, "4008", 4008,
          "4010", 4010, "4099", 4099);
      waiting(Duration.ofSeconds(20)).until(d -> ends.entrySet().stream()
          .allMatch(e -> has(events(e.getKey()), "signedout", null, e.getValue())));
      waiting(Duration.ofSeconds(30)).until(d -> has(events("4009"), "state", "reconnecting", 4009));
      waiting(Duration.ofSeconds(20)).until(d -> opens(events("1006")) == 2 && opens(events("4009")) == 2
          && opens(events("4001")) == 2);

      assertThat(events("4001")).anyMatch(e -> "disconnected".equals(e.get("type")) && e.get("message").toString()
          .contains("still valid"));
      assertThat(events("4010")).anyMatch(e -> "signedout".equals(e.get("type"))
          && "signed_out_elsewhere".equals(e.get("reason")) && e.get("message").toString().contains("another device"));
      assertThat(events("4002")).anyMatch(e -> "logged_out".equals(e.get("reason")));
      assertThat(events("4099")).anyMatch(e -> "signedout".equals(e.get("type")) && "ended".equals(e.get("reason")));
      assertThat(has(events("1006"), "state", "reconnecting", 1006)).isTrue();

      // Past the longest first backoff (1 s: the attempts count from 0 again once a socket opens), an ended instance has not tried again: the last thing it did was stop.
      long settle = System.nanoTime();
      waiting(Duration.ofSeconds(10)).until(d -> System.nanoTime() - settle > 1_500_000_000L);
      for (String ended : List.of("4002", "4003", "4004", "4006", "4008", "4010", "4099")) {
        List<Map<String, Object>> ev = events(ended);
        assertThat(ev.get(ev.size() - 1).get("type")).as(ended + ": " + ev).isEqualTo("signedout");
        assertThat(ev.stream().filter(e -> "reconnecting".equals(e.get("state")))).as(ended).isEmpty();
        assertThat((String) browser.executeScript("return window.runs[arguments[0]].session.state;", ended)).isEqualTo("closed");
      }
      for (String kept : List.of("4001", "1006", "4009")) {
        assertThat((String) browser.executeScript("return window.runs[arguments[0]].session.state;", kept)).as(kept)
            .isEqualTo("open");
        assertThat(events(kept)).noneMatch(e -> "signedout".equals(e.get("type")));
      }
    }
  }

  @Test
  void fiftyPagesComeBackSpreadOverTimeAfterARestartAndStopAtAClear() throws Exception {
    freshPage();
    List<String> names = new ArrayList<>();
    List<String[]> instances = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      names.add("restart-" + i);
      instances.add(new String[] {names.get(i), token(api.createSession("restart-user-" + i)), null});
    }
    // The default backoff but for its ceiling (30 s), which would only make the test wait longer.
    options = Map.of("backoff", Map.of("max", 5000));
    open(instances);
    waiting(Duration.ofSeconds(30)).until(d -> names.stream().allMatch(n -> opens(events(n)) == 1));

    long before = ((Number) browser.executeScript("return Date.now();")).longValue();
    server.close();
    server = TestServer.start(dir, c -> config);
    api = server.api;
    // An instance may come back before the old server stopped listening, and be dropped again: at least twice.
    try {
      waiting(Duration.ofSeconds(60)).until(d -> names.stream().allMatch(n -> opens(events(n)) >= 2));
    } catch (org.openqa.selenium.TimeoutException e) {
      for (String n : names) {
        if (opens(events(n)) < 2) {
          System.out.println("BrowserModuleIT: " + n + " not back: " + events(n));
        }
      }
      throw e;
    }

    List<Long> back = new ArrayList<>();
    for (String n : names) {
      List<Map<String, Object>> ev = events(n);
      assertThat(ev).as(n).noneMatch(e -> "signedout".equals(e.get("type")));
      assertThat(has(ev, "state", "reconnecting", 1001)).as(n + ": " + ev).isTrue();
      back.add(ev.stream().filter(e -> "open".equals(e.get("state"))).map(e -> ((Number) e.get("at")).longValue())
          .reduce((a, b) -> b).orElseThrow() - before);
    }
    back.sort(null);
    long spread = back.get(back.size() - 1) - back.get(0);
    int crowd = 0;
    for (int i = 0, j = 0; i < back.size(); i++) {
      while (back.get(i) - back.get(j) > 250) {
        j++;
      }
      crowd = Math.max(crowd, i - j + 1);
    }
    System.out.printf("BrowserModuleIT: 50 instances back %d..%d ms after the restart began (spread %d ms, "
        + "at most %d in 250 ms)%n", back.get(0), back.get(back.size() - 1), spread, crowd);
    assertThat(spread).as("reconnect times %s", back).isGreaterThanOrEqualTo(500);
    assertThat(crowd).as("reconnect times %s", back).isLessThanOrEqualTo(30);

    // 4005: every session cleared at once: all fifty stop, none tries again.
    assertThat(api.post("/sessions/clear", "", "Authorization", bearer(TestServer.API_TOKEN)).status()).isEqualTo(200);
    waiting(Duration.ofSeconds(20)).until(d -> names.stream().allMatch(n -> has(events(n), "signedout", null, 4005)));
    long settle = System.nanoTime();
    waiting(Duration.ofSeconds(10)).until(d -> System.nanoTime() - settle > 1_500_000_000L);
    for (String n : names) {
      List<Map<String, Object>> ev = events(n);
      assertThat(ev.get(ev.size() - 1)).as(n).containsEntry("type", "signedout").containsEntry("reason", "cleared");
    }
  }

  @Test
  void aNetworkGoneSilentIsToldByThreeOfTheServersHeartbeatsAndAtLeastTenSeconds() throws Exception {
    freshPage();
    try (Relay dark = new Relay(config.port())) {
      open("silent-net", token(api.createSession("silent-net")), "http://127.0.0.1:" + dark.port());
      waiting(Duration.ofSeconds(20)).until(d -> opens(events("silent-net")) == 1);
      assertThat(((Number) browser.executeScript("return window.runs['silent-net'].session.me.heartbeat_interval;"))
          .doubleValue()).isEqualTo(HEARTBEAT.toMillis() / 1000.0);
      long start = System.nanoTime();
      dark.blackhole();
      // Nothing reaches the page, not even the server's close: only its own clock can tell. The
      // last frame came at most a heartbeat before; the silence allowed is max(3 heartbeats, 10 s),
      // not the 45 s the module waits before the server has told its heartbeat.
      waiting(Duration.ofSeconds(30)).until(d -> has(events("silent-net"), "state", "reconnecting", 1006));
      Duration told = Duration.ofNanos(System.nanoTime() - start);
      assertThat(told).isGreaterThanOrEqualTo(Duration.ofSeconds(10).minus(HEARTBEAT));
      waiting(Duration.ofSeconds(20)).until(d -> opens(events("silent-net")) == 2);
    }
  }

  @Test
  void theDevicesListIsLiveAndASignOutFromAnotherDeviceArrivesWithinTheHeartbeat() throws Exception {
    freshPage();
    member("devices-dana", "pw-dana");
    JsonNode here = loginElsewhere("devices-dana", "pw-dana");
    open("dana", token(here), null);
    browser.executeScript("const r = window.runs.dana; r.session.on('devices', (list) => { r.devices = list; });");
    waiting(Duration.ofSeconds(20)).until(d -> devices("dana").size() == 1 && connected(devices("dana").get(0)));
    assertThat(devices("dana").get(0)).containsEntry("current", true).containsEntry("id", here.get("id").asText());

    JsonNode laptop = loginElsewhere("devices-dana", "pw-dana");
    waiting(Duration.ofSeconds(10)).until(d -> devices("dana").size() == 2);
    WsClient laptopSocket = WsClient.connect(config.port(), token(laptop));
    waiting(Duration.ofSeconds(10)).until(d -> devices("dana").stream()
        .anyMatch(x -> laptop.get("id").asText().equals(x.get("id")) && connected(x)));

    // The helpers: sign one device out, then every other, then change the password.
    browser.executeAsyncScript("window.runs.dana.session.signOut(arguments[0]).then(arguments[1]);", laptop.get("id").asText());
    assertThat(laptopSocket.awaitClose().code()).isEqualTo(4010);
    waiting(Duration.ofSeconds(10)).until(d -> devices("dana").size() == 1);
    loginElsewhere("devices-dana", "pw-dana");
    loginElsewhere("devices-dana", "pw-dana");
    waiting(Duration.ofSeconds(10)).until(d -> devices("dana").size() == 3);
    Object others = browser.executeAsyncScript("window.runs.dana.session.signOutOthers().then(arguments[0]);");
    assertThat(((Number) others).intValue()).isEqualTo(2);
    waiting(Duration.ofSeconds(10)).until(d -> devices("dana").size() == 1);
    Object refused = browser.executeAsyncScript(
        "window.runs.dana.session.changePassword('wrong', 'x').then(() => arguments[0](0), (e) => arguments[0](e.status));");
    assertThat(((Number) refused).intValue()).isBetween(400, 403);
    browser.executeAsyncScript("window.runs.dana.session.changePassword('pw-dana', 'pw-dana-2').then(arguments[0]);");
    assertThat(opens(events("dana"))).isEqualTo(1);

    JsonNode phone = loginElsewhere("devices-dana", "pw-dana-2");
    waiting(Duration.ofSeconds(10)).until(d -> devices("dana").size() == 2);
    long asked = System.currentTimeMillis();
    assertThat(api.delete("/api/me/sessions/" + here.get("id").asText(), "Authorization", bearer(token(phone))).status())
        .isEqualTo(204);
    waiting(Duration.ofSeconds(10)).until(d -> has(events("dana"), "signedout", null, 4010));
    long seen = events("dana").stream().filter(e -> "signedout".equals(e.get("type")))
        .mapToLong(e -> ((Number) e.get("at")).longValue()).findFirst().orElseThrow();
    System.out.printf("BrowserModuleIT: signed out from another device, seen by the page after %d ms%n", seen - asked);
    assertThat(seen - asked).isLessThan(HEARTBEAT.toMillis());
  }

  @Test
  void theModuleIsServedAtItsVersionsPathAsItIsInTheRepoForAnyOriginToLoad() throws Exception {
    Api.Res r = api.get(module, "Origin", "https://app.example.com");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(Files.readString(Path.of("..", "clients", "js", "sessiond.js")));
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
    assertThat(api.get(module.replace(".js", ".d.ts")).body())
        .isEqualTo(Files.readString(Path.of("..", "clients", "js", "sessiond.d.ts")));
    assertThat(module).matches("/js/sessiond-\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\.js");
    Api.Res other = api.get("/js/sessiond-0.0.0.js");
    assertThat(other.status()).isEqualTo(404);
    assertThat(other.json().get("message").asText()).isNotBlank();
  }

  @Test
  void theExamplePageShowsTheLiveDevicesAndSignedOutElsewhere() throws Exception {
    member("example-erin", "pw-erin");
    JsonNode here = loginElsewhere("example-erin", "pw-erin");
    browser.get("http://127.0.0.1:" + app.getAddress().getPort() + "/example/index.html#url=http://127.0.0.1:"
        + config.port() + "&token=" + token(here));
    WebDriverWait wait = waiting(Duration.ofSeconds(20));
    wait.until(d -> d.findElement(By.id("status")).getText().equals("Signed in"));
    wait.until(d -> d.findElements(By.cssSelector("#devices li")).size() == 1
        && d.findElement(By.id("devices")).getText().contains("(this one): online"));
    JsonNode phone = loginElsewhere("example-erin", "pw-erin");
    wait.until(d -> d.findElements(By.cssSelector("#devices li")).size() == 2);
    assertThat(api.delete("/api/me/sessions/" + here.get("id").asText(), "Authorization", bearer(token(phone))).status())
        .isEqualTo(204);
    wait.until(d -> d.findElement(By.id("status")).getText().equals("Signed out elsewhere"));
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> devices(String name) {
    Object list = browser.executeScript("return window.runs[arguments[0]].devices || [];", name);
    return (List<Map<String, Object>>) list;
  }

  @SuppressWarnings("unchecked")
  private static boolean connected(Map<String, Object> device) {
    return Boolean.TRUE.equals(((Map<String, Object>) device.get("state")).get("is_connected"));
  }

  private static JsonNode loginElsewhere(String username, String password) {
    Api.Res r = api.post("/api/login", "{\"username\":" + Api.quote(username) + ",\"password\":" + Api.quote(password) + "}",
        "User-Agent", MeIT.FIREFOX_LINUX);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static void member(String username, String password) {
    Api.Res r = api.post("/api/members", "{\"username\":" + Api.quote(username) + ",\"password\":" + Api.quote(password)
        + ",\"profile\":{\"is_admin\":false}}", "Authorization", bearer(TestServer.API_TOKEN));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }
}
