package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What forward auth promises through a real proxy, with the proxy's configuration from
 * docs/forward-auth (the one the README shows): sessiond, an echoing upstream and the proxy,
 * each on a free port of 127.0.0.1; a plain HTTP client plays the browser (it follows nothing by
 * itself) and headless Chromium signs in on the login page. A subclass starts one proxy.
 */
@org.junit.jupiter.api.Timeout(120)
abstract class ProxyForwardAuthContract {

  @TempDir
  static Path dir;
  static TestServer server;
  static HttpServer app;
  static Process proxy;
  static int proxyPort;
  static String sessiond;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  ChromeDriver browser;

  interface ProxyStarter {
    Process start(Path dir, int port, int sessiondPort, int appPort) throws IOException;
  }

  static void startAll(ProxyStarter starter) throws Exception {
    int port = ProxiedApp.freePort();
    sessiond = "http://127.0.0.1:" + port;
    Config.ForwardAuth fa = new Config.ForwardAuth(sessiond, null, List.of("127.0.0.1"));
    server = TestServer.start(dir.resolve("data"), c -> c.withPort(port).withForwardAuth(fa));
    app = ProxiedApp.echo();
    proxyPort = ProxiedApp.freePort();
    Path proxyDir = Files.createDirectories(dir.resolve("proxy"));
    proxy = starter.start(proxyDir, proxyPort, port, app.getAddress().getPort());
    for (String member : List.of("pa-alice", "pa-bob", "pa-carol", "pa-throttled")) {
      Api.Res r = server.api.post("/api/members", "{\"username\":\"" + member + "\",\"password\":\"pw-" + member
          + "\",\"profile\":{\"name\":\"" + member + " name\"}}", "Authorization", bearer(TestServer.API_TOKEN));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
  }

  @AfterAll
  static void stopAll() {
    ProxiedApp.stop(proxy);
    if (app != null) {
      app.stop(0);
    }
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  record Res(int status, String body, java.net.http.HttpHeaders headers) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    JsonNode json() {
      try {
        return Api.JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  Res send(String method, String url, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Res(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new AssertionError(method + " " + url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static String appUrl(String pathAndQuery) {
    return "http://127.0.0.1:" + proxyPort + pathAndQuery;
  }

  Res page(String url, String... more) {
    String[] headers = new String[more.length + 2];
    headers[0] = "Accept";
    headers[1] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    System.arraycopy(more, 0, headers, 2, more.length);
    return send("GET", url, null, headers);
  }

  /** Signs in on the login page's form, as a browser would post it; returns the answer. */
  Res postLogin(String username, String password, String rd) {
    return send("POST", sessiond + "/login", "username=" + enc(username) + "&password=" + enc(password) + "&rd=" + enc(rd),
        "Content-Type", "application/x-www-form-urlencoded", "Origin", sessiond);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String cookieOf(Res r) {
    String set = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("sessiond_session=")).findFirst()
        .orElseThrow(() -> new AssertionError("no session cookie: " + r.headers()));
    return set.substring(0, set.indexOf(';'));
  }

  /** The whole browser round: protected page, login page, sign-in, back; returns the session cookie. */
  String signInThroughTheProxy(String member, String pathAndQuery) {
    String original = appUrl(pathAndQuery);
    Res first = page(original);
    assertThat(first.status()).as(first.body()).isEqualTo(302);
    String login = first.header("Location");
    assertThat(login).isEqualTo(sessiond + "/login?rd=" + enc(original));
    Res form = page(login);
    assertThat(form.status()).isEqualTo(200);
    String rd = URLDecoder.decode(login.substring(login.indexOf("rd=") + 3), StandardCharsets.UTF_8);
    Res signed = postLogin(member, "pw-" + member, rd);
    assertThat(signed.status()).as(signed.body()).isEqualTo(303);
    assertThat(signed.header("Location")).isEqualTo(original);
    return cookieOf(signed);
  }

  @Test
  void withoutASessionABrowserIsSentToTheLoginPageAndAnApiClientGets401() {
    Res browserLoad = page(appUrl("/reports?year=2026&q=a%20b"));
    assertThat(browserLoad.status()).isEqualTo(302);
    assertThat(browserLoad.header("Location"))
        .isEqualTo(sessiond + "/login?rd=" + enc(appUrl("/reports?year=2026&q=a%20b")));

    Res apiCall = send("GET", appUrl("/api/data"), null, "Accept", "application/json");
    assertThat(apiCall.status()).isEqualTo(401);
    assertThat(apiCall.json().get("message").asText()).isNotEmpty();
  }

  @Test
  void afterSigningInOnTheLoginPageTheBrowserLandsOnTheOriginalUrlAndTheAppSeesWhoItIs() {
    String cookie = signInThroughTheProxy("pa-alice", "/dashboard?tab=2&x=%2F");
    String userId = server.api.get("/api/whoami", "Cookie", cookie).json().get("user_id").asText();

    Res landed = page(appUrl("/dashboard?tab=2&x=%2F"), "Cookie", cookie);

    assertThat(landed.status()).isEqualTo(200);
    JsonNode echo = landed.json();
    assertThat(echo.get("uri").asText()).isEqualTo("/dashboard?tab=2&x=%2F");
    assertThat(ProxiedApp.seen(echo, "Remote-User")).containsExactly(userId);
    assertThat(ProxiedApp.seen(echo, "Remote-Name")).containsExactly("pa-alice name");
    assertThat(ProxiedApp.seen(echo, "Remote-Admin")).containsExactly("false");
    assertThat(ProxiedApp.seen(echo, "Remote-Session")).hasSize(1);
  }

  @Test
  void remoteHeadersSentByTheClientNeverReachTheApp() {
    String cookie = signInThroughTheProxy("pa-bob", "/x");
    String userId = server.api.get("/api/whoami", "Cookie", cookie).json().get("user_id").asText();

    Res spoofed = send("GET", appUrl("/x"), null, "Cookie", cookie, "Remote-User", "root", "remote-user", "admin",
        "Remote-Admin", "true", "Remote-Name", "Root");
    JsonNode echo = spoofed.json();
    assertThat(ProxiedApp.seen(echo, "Remote-User")).containsExactly(userId);
    assertThat(ProxiedApp.seen(echo, "Remote-Admin")).containsExactly("false");
    assertThat(ProxiedApp.seen(echo, "Remote-Name")).containsExactly("pa-bob name");

    Res anonymous = send("GET", appUrl("/x"), null, "Accept", "application/json", "Remote-User", "root");
    assertThat(anonymous.status()).isEqualTo(401);
  }

  @Test
  void afterDeleteSessionsUidTheVeryNextRequestIsRefused() {
    String cookie = signInThroughTheProxy("pa-carol", "/work");
    String userId = server.api.get("/api/whoami", "Cookie", cookie).json().get("user_id").asText();
    assertThat(send("GET", appUrl("/work"), null, "Cookie", cookie).status()).isEqualTo(200);

    assertThat(server.api.delete("/sessions/" + userId, "Authorization", bearer(TestServer.API_TOKEN))
        .json().get("DeletedCount").asInt()).isEqualTo(1);

    assertThat(send("GET", appUrl("/work"), null, "Cookie", cookie, "Accept", "application/json").status()).isEqualTo(401);
    Res browserLoad = page(appUrl("/work"), "Cookie", cookie);
    assertThat(browserLoad.status()).isEqualTo(302);
    assertThat(browserLoad.header("Location")).startsWith(sessiond + "/login?rd=");
  }

  @Test
  void anRdOutsideTheRedirectDomainsIsRefused() {
    String elsewhere = "http://localhost:" + proxyPort + "/x";
    Res page = page(sessiond + "/login?rd=" + enc(elsewhere));
    assertThat(page.status()).isEqualTo(400);
    assertThat(page.body()).contains("(localhost) is not one this server may send you to");

    Res signed = postLogin("pa-alice", "pw-pa-alice", elsewhere);
    assertThat(signed.status()).isEqualTo(400);
    assertThat(signed.header("Location")).isNull();
    assertThat(signed.headers().allValues("Set-Cookie")).isEmpty();
  }

  private WebDriverWait openBrowser() {
    browser = ConsoleBrowser.chromium(dir.resolve("chromium-" + System.nanoTime()), "1024,768");
    return ConsoleBrowser.waiting(browser, Duration.ofSeconds(10));
  }

  private void submit(WebDriverWait wait, String username, String password) {
    WebElement user = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-username")));
    user.clear();
    user.sendKeys(username);
    browser.findElement(By.id("login-password")).sendKeys(password);
    browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    wait.until(d -> isStale(user)); // the server answered with a new page
  }

  /**
   * True once the page that held {@code element} is gone. Chromium may report a node of the page
   * being replaced as "not in the document" with an inspector error rather than a staleness
   * error; both mean the same here.
   */
  private static boolean isStale(WebElement element) {
    try {
      element.isEnabled();
      return false;
    } catch (org.openqa.selenium.StaleElementReferenceException gone) {
      return true;
    } catch (org.openqa.selenium.WebDriverException replaced) {
      return replaced.getMessage() != null && replaced.getMessage().contains("does not belong to the document");
    }
  }

  private String status() {
    try {
      return browser.findElement(By.id("status")).getText();
    } catch (org.openqa.selenium.WebDriverException notThereYet) {
      return "";
    }
  }

  @Test
  void inChromiumAWrongPasswordIsSaidInWordsThenSigningInLandsOnTheOriginalPage() {
    WebDriverWait wait = openBrowser();
    String original = appUrl("/chromium/page?q=1");
    browser.get(original);
    wait.until(d -> d.getCurrentUrl().startsWith(sessiond + "/login?rd="));
    assertThat(browser.findElement(By.id("destination")).getText()).contains("127.0.0.1");

    submit(wait, "pa-alice", "not-her-password");
    wait.until(d -> status().equals("Wrong username or password."));
    assertThat(browser.findElement(By.id("login-username")).getDomProperty("value")).isEqualTo("pa-alice");

    submit(wait, "pa-alice", "pw-pa-alice");
    wait.until(d -> d.getCurrentUrl().equals(original));
    String shown = browser.findElement(By.tagName("body")).getText();
    assertThat(shown).contains("\"remote-user\"").contains("pa-alice name");

    browser.get(sessiond + "/logout");
    wait.until(d -> status().equals("You are signed out."));
    browser.get(original);
    wait.until(d -> d.getCurrentUrl().startsWith(sessiond + "/login?rd="));
  }

  @Test
  void inChromiumTheThrottleIsSaidInWords() {
    WebDriverWait wait = openBrowser();
    browser.get(appUrl("/throttled"));
    for (int i = 0; i < 5; i++) {
      submit(wait, "pa-throttled", "wrong-" + i);
      wait.until(d -> status().equals("Wrong username or password."));
    }
    submit(wait, "pa-throttled", "pw-pa-throttled");
    wait.until(d -> status().startsWith("Too many failed sign-ins. Try again in "));
    assertThat(status()).matches("Too many failed sign-ins\\. Try again in ([1-9]|1[0-5]) seconds?\\.");
    assertThat(browser.findElement(By.id("status")).getDomAttribute("class")).contains("error");
  }
}
