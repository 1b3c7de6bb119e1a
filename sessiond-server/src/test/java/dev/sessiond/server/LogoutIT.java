package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code GET /logout} is what a link or an {@code <img>} on any page sends, and a sibling site's
 * (same-site) carries the Lax cookie: it signs out only when the browser proves the user or
 * sessiond's own page asked, else it shows a button that posts. Real requests with every
 * combination of fetch metadata and Origin, then headless Chromium on a sibling site's page
 * (hosts of {@code example.test} mapped to 127.0.0.1), with and without fetch metadata.
 */
class LogoutIT {

  static final int PORT = ProxiedApp.freePort();
  static final String AUTH = "http://auth.example.test:" + PORT;
  static final String SELF = "http://127.0.0.1:" + PORT;
  static final String APP = "http://app.example.test/back?x=1";

  @TempDir
  static Path dir;
  static TestServer server;
  static Api api;
  /** A sibling site (evil.example.test) and, under the name auth.example.test on its own port, a probe that records what the browser sent. */
  static HttpServer sibling;
  static final Map<String, String> probed = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir, c -> c.withPort(PORT)
        .withForwardAuth(new Config.ForwardAuth(AUTH, null, List.of(".example.test"))));
    api = server.api;
    for (String member : List.of("lo-alice", "lo-bob")) {
      Api.Res r = api.post("/api/members", "{\"username\":\"" + member + "\",\"password\":\"pw-" + member + "\"}",
          "Authorization", bearer(TestServer.API_TOKEN));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
    sibling = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    sibling.createContext("/", exchange -> {
      byte[] body;
      if (exchange.getRequestURI().getPath().equals("/probe")) {
        // Cookies are not kept apart by port: what reaches auth.example.test here reaches sessiond.
        probed.put("cookie", String.valueOf(exchange.getRequestHeaders().getFirst("Cookie")));
        probed.put("site", String.valueOf(exchange.getRequestHeaders().getFirst("Sec-Fetch-Site")));
        body = new byte[0];
      } else {
        body = siblingPage(exchange.getLocalAddress().getPort()).getBytes(StandardCharsets.UTF_8);
      }
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    sibling.start();
  }

  @AfterAll
  static void stop() {
    if (sibling != null) {
      sibling.stop(0);
    }
    server.close();
  }

  /** The attacker's page: an image and a link pointing at /logout, and the probe. */
  static String siblingPage(int port) {
    String logout = AUTH + "/logout?rd=" + enc(rd(port));
    return "<!doctype html><html><head><title>loading</title></head><body>"
        + "<script>let left = 2; function done() { if (--left === 0) document.title = 'loaded'; }</script>"
        + "<img src=\"" + logout + "\" onload=\"done()\" onerror=\"done()\">"
        + "<img src=\"http://auth.example.test:" + port + "/probe\" onload=\"done()\" onerror=\"done()\">"
        + "<a id=\"out\" href=\"" + logout + "\">sign out</a></body></html>";
  }

  static String rd(int siblingPort) {
    return "http://app.example.test:" + siblingPort + "/back";
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Signs in on the login page's form from sessiond's own origin; returns the Cookie header value. */
  static String signIn(String username) {
    Api.Res r = api.post("/login", "username=" + username + "&password=pw-" + username + "&rd=",
        "Content-Type", "application/x-www-form-urlencoded", "Origin", SELF);
    assertThat(r.status()).as(r.body()).isEqualTo(303);
    String set = r.header("Set-Cookie");
    return set.substring(0, set.indexOf(';'));
  }

  static boolean signedIn(String cookie) {
    return api.get("/api/forward-auth", "Cookie", cookie).status() == 200;
  }

  /** Header name, value pairs separated by ';' ("-" for none). */
  static String[] headers(String spec, String cookie) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>(List.of("Cookie", cookie));
    if (!spec.equals("-")) {
      for (String pair : spec.split(";")) {
        String[] nv = pair.split("=", 2);
        out.add(nv[0]);
        out.add(nv[1].replace("{self}", SELF));
      }
    }
    return out.toArray(String[]::new);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "-",                                                      // no fetch metadata: an older browser, or one that sends none over plain HTTP
      "Sec-Fetch-Site=same-site",                               // a sibling site's link or <img>
      "Sec-Fetch-Site=same-site;Sec-Fetch-Dest=image",
      "Sec-Fetch-Site=cross-site",
      "Sec-Fetch-Site=same-origin;Origin=https://evil.example.test",
      "Sec-Fetch-Site=none;Origin=null",
      "Origin=https://evil.example.test",
      "Origin={self}",                                          // no navigation or image carries an Origin: only fetch metadata proves
      "Sec-Fetch-Site=bogus",
  })
  void aLogoutLinkOrImageThatCannotProveItsOriginOnlyGetsAButton(String spec) {
    String cookie = signIn("lo-alice");

    Api.Res r = api.get("/logout?rd=" + enc(APP), headers(spec, cookie));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().allValues("Set-Cookie")).as("the cookie stays").isEmpty();
    assertThat(r.body()).contains("<section id=\"sign-out\" aria-labelledby=\"sign-out-title\">")
        .contains("<form id=\"logout-form\" method=\"post\" action=\"logout\">")
        .contains("name=\"rd\" value=\"" + htmlAttribute(APP) + "\"")
        .doesNotContain("You are signed out.");
    assertThat(signedIn(cookie)).as("still signed in after GET /logout with " + spec).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Sec-Fetch-Site=none",                                    // typed or bookmarked
      "Sec-Fetch-Site=same-origin",                             // a link on sessiond's own pages
      "Sec-Fetch-Site=same-origin;Origin={self}",
  })
  void aLogoutTheBrowserProvesCameFromTheUserOrSessiondSignsOutAtOnce(String spec) {
    String cookie = signIn("lo-alice");

    Api.Res r = api.get("/logout?rd=" + enc(APP), headers(spec, cookie));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("You are signed out.").contains("name=\"rd\" value=\"" + htmlAttribute(APP) + "\"")
        .contains("<section id=\"sign-out\" aria-labelledby=\"sign-out-title\" hidden>");
    assertThat(r.header("Set-Cookie")).contains("Max-Age=0");
    assertThat(signedIn(cookie)).isFalse();
  }

  @Test
  void theButtonsPostSignsOutOnlyFromSessiondsOwnPage() {
    String cookie = signIn("lo-bob");
    String form = "rd=" + enc(APP);
    for (String[] foreign : List.of(new String[] {"Origin", "https://evil.example.test"},
        new String[] {"Sec-Fetch-Site", "same-site"}, new String[] {"Sec-Fetch-Site", "cross-site"})) {
      Api.Res r = api.post("/logout", form, "Content-Type", "application/x-www-form-urlencoded", "Cookie", cookie,
          foreign[0], foreign[1]);
      assertThat(r.status()).as(String.join(": ", foreign)).isEqualTo(403);
      assertThat(signedIn(cookie)).isTrue();
    }

    Api.Res r = api.post("/logout", form, "Content-Type", "application/x-www-form-urlencoded", "Cookie", cookie,
        "Origin", SELF, "Sec-Fetch-Site", "same-origin");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).contains("You are signed out.").contains("name=\"rd\" value=\"" + htmlAttribute(APP) + "\"");
    assertThat(signedIn(cookie)).isFalse();
  }

  @Test
  void aRefusedRdIsDroppedFromTheButtonAsFromEveryPage() {
    String cookie = signIn("lo-bob");
    Api.Res r = api.get("/logout?rd=" + enc("https://evil.test/"), "Cookie", cookie, "Sec-Fetch-Site", "same-site");
    assertThat(r.body()).contains("<form id=\"logout-form\"").doesNotContain("evil.test");
    assertThat(signedIn(cookie)).isTrue();
  }

  /**
   * In Chromium: signed in, the user lands on a sibling site's page whose image points at
   * /logout (and is still signed in), follows its link (and gets the button), and presses it
   * (and is signed out, sent on with the checked rd). Over plain HTTP Chromium sends no fetch
   * metadata; treating both origins as secure makes it send {@code Sec-Fetch-Site: same-site}.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void inChromiumASiblingSitesImageAndLinkDoNotSignOutButTheButtonDoes(boolean fetchMetadata, @TempDir Path profile) {
    int siblingPort = sibling.getAddress().getPort();
    String siblingUrl = "http://evil.example.test:" + siblingPort;
    List<String> args = new java.util.ArrayList<>(List.of("--host-resolver-rules=MAP *.example.test 127.0.0.1"));
    if (fetchMetadata) {
      args.add("--unsafely-treat-insecure-origin-as-secure=" + AUTH + "," + siblingUrl + ",http://auth.example.test:" + siblingPort);
    }
    probed.clear();
    ChromeDriver browser = ConsoleBrowser.chromium(profile, "1024,768", args.toArray(String[]::new));
    try {
      WebDriverWait wait = ConsoleBrowser.waiting(browser, Duration.ofSeconds(20));
      browser.get(AUTH + "/login?rd=" + enc(siblingUrl + "/"));
      WebElement user = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-username")));
      user.sendKeys("lo-alice");
      browser.findElement(By.id("login-password")).sendKeys("pw-lo-alice");
      browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();

      wait.until(d -> d.getCurrentUrl().startsWith(siblingUrl) && "loaded".equals(d.getTitle()));
      String cookie = probed.get("cookie");
      assertThat(cookie).as("the browser sends the cookie along with a sibling site's image").startsWith("sessiond_session=");
      assertThat(probed.get("site")).isEqualTo(fetchMetadata ? "same-site" : "null");
      assertThat(signedIn(cookie)).as("an <img> of a sibling site does not sign out").isTrue();

      browser.findElement(By.id("out")).click();
      wait.until(d -> d.getCurrentUrl().startsWith(AUTH + "/logout"));
      WebElement button = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#logout-form button")));
      assertThat(signedIn(cookie)).as("following a sibling site's link only shows the button").isTrue();

      button.click();
      wait.until(d -> d.findElement(By.id("status")).getText().equals("You are signed out."));
      assertThat(signedIn(cookie)).isFalse();
      assertThat(browser.findElement(By.cssSelector("#login-form input[name=rd]")).getDomProperty("value"))
          .isEqualTo(rd(siblingPort));
    } finally {
      browser.quit();
    }
  }

  /** rd as the page writes it into an attribute. */
  private static String htmlAttribute(String s) {
    return s.replace("&", "&amp;").replace("\"", "&quot;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
