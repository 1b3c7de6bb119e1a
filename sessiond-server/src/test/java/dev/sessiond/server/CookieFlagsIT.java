package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --secure-cookies} and {@code --cookie-domain} on real answers: every session cookie the
 * server sets or clears (API login, login page, logout) carries {@code Secure} and
 * {@code Domain=} when asked, and neither by default; HttpOnly, SameSite=Lax and Path=/ always.
 */
class CookieFlagsIT {

  static final String DOMAIN = "example.com";

  /** A Set-Cookie header: name, value, and its attributes by lower-case name (valueless ones map to ""). */
  record SetCookie(String name, String value, Map<String, String> attributes) {
    static SetCookie parse(String header) {
      String[] parts = header.split(";");
      int eq = parts[0].indexOf('=');
      Map<String, String> attributes = new TreeMap<>();
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i].trim();
        int at = p.indexOf('=');
        String name = (at < 0 ? p : p.substring(0, at)).toLowerCase(Locale.ROOT);
        assertThat(attributes).as("attribute %s once in %s", name, header).doesNotContainKey(name);
        attributes.put(name, at < 0 ? "" : p.substring(at + 1));
      }
      return new SetCookie(parts[0].substring(0, eq).trim(), parts[0].substring(eq + 1).trim(), attributes);
    }
  }

  @Test
  void withTheFlagsEverySessionCookieIsSecureAndForTheDomain(@TempDir Path dir) throws Exception {
    try (ServerProcess server = ServerProcess.serve(dir, "--secure-cookies", "--cookie-domain", DOMAIN)) {
      for (SetCookie c : cookiesOfALoginLifecycle(server.api())) {
        assertThat(c.attributes()).as(c.toString()).containsEntry("secure", "").containsEntry("domain", DOMAIN);
      }
    }
  }

  @Test
  void withoutThemNoSessionCookieIsSecureOrForADomain(@TempDir Path dir) throws Exception {
    try (ServerProcess server = ServerProcess.serve(dir)) {
      for (SetCookie c : cookiesOfALoginLifecycle(server.api())) {
        assertThat(c.attributes()).as(c.toString()).doesNotContainKeys("secure", "domain");
      }
    }
  }

  /**
   * Logs in through the API and through the login page, then logs out: the three cookies, each
   * checked for what every session cookie has.
   */
  private static List<SetCookie> cookiesOfALoginLifecycle(Api api) {
    List<SetCookie> cookies = new ArrayList<>();

    Api.Res login = api.post("/api/login", "{\"username\":\"admin\",\"password\":" + Api.quote(TestServer.ADMIN_PASSWORD) + "}");
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    SetCookie issued = only(login);
    assertThat(issued.value()).isEqualTo(login.json().get("token").asText());
    assertLive(issued);
    cookies.add(issued);

    Api.Res page = api.post("/login", "username=admin&password=" + URLEncoder.encode(TestServer.ADMIN_PASSWORD, StandardCharsets.UTF_8),
        "Content-Type", "application/x-www-form-urlencoded");
    assertThat(page.status()).as(page.body()).isEqualTo(303);
    SetCookie fromPage = only(page);
    assertLive(fromPage);
    assertThat(api.get("/api/whoami", "Authorization", bearer(fromPage.value())).status()).isEqualTo(200);
    cookies.add(fromPage);

    Api.Res logout = api.post("/api/logout", null, "Cookie", "sessiond_session=" + issued.value(),
        "Origin", "http://127.0.0.1:" + api.port);
    assertThat(logout.status()).as(logout.body()).isEqualTo(204);
    SetCookie cleared = only(logout);
    assertThat(cleared.value()).isEmpty();
    assertThat(cleared.attributes()).containsEntry("max-age", "0");
    assertCommon(cleared);
    cookies.add(cleared);
    return cookies;
  }

  private static SetCookie only(Api.Res r) {
    List<String> headers = r.headers().allValues("Set-Cookie");
    assertThat(headers).as("one Set-Cookie").hasSize(1);
    SetCookie c = SetCookie.parse(headers.get(0));
    assertThat(c.name()).isEqualTo("sessiond_session");
    return c;
  }

  /** A session's cookie lives as long as the session can (24 h by default). */
  private static void assertLive(SetCookie c) {
    assertThat(c.value()).isNotEmpty();
    assertThat(Long.parseLong(c.attributes().get("max-age"))).isBetween(86_300L, 86_400L);
    assertCommon(c);
  }

  private static void assertCommon(SetCookie c) {
    assertThat(c.attributes()).as(c.toString()).containsEntry("path", "/").containsEntry("httponly", "")
        .containsEntry("samesite", "Lax");
  }
}
