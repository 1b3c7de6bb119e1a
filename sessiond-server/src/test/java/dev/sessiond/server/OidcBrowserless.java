package dev.sessiond.server;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A user agent for the sign-in without a browser: a real HTTP client with a cookie jar that
 * follows the provider's redirects and fills its own login, consent and sign-out forms
 * (oidc-provider's devInteractions: any login, any password), as a browser would.
 */
final class OidcBrowserless {

  private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");
  private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"");

  final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String sessiond;

  OidcBrowserless(String sessiond) {
    this.sessiond = sessiond;
  }

  HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String url, Map<String, String> form) throws Exception {
    String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Starts a sign-in at sessiond ({@code /login/oidc/<provider>?rd=}), signs in at the provider
   * as {@code login} and returns the callback URL the provider sends the browser back with, not followed.
   */
  String throughProvider(String provider, String rd, String login) throws Exception {
    HttpResponse<String> start = get(sessiond + "/login/oidc/" + provider + (rd == null ? "" : "?rd="
        + URLEncoder.encode(rd, StandardCharsets.UTF_8)));
    if (start.statusCode() != 302) {
      throw new AssertionError("the sign-in did not start: " + start.statusCode() + " " + start.body());
    }
    return follow(start.headers().firstValue("Location").orElseThrow(), login);
  }

  /** Follows the provider's redirects and forms until it sends the browser back to sessiond. */
  String follow(String url, String login) throws Exception {
    for (int step = 0; step < 20; step++) {
      if (url.startsWith(sessiond)) {
        return url;
      }
      HttpResponse<String> r = get(url);
      if (r.statusCode() / 100 == 3) {
        url = URI.create(url).resolve(r.headers().firstValue("Location").orElseThrow()).toString();
        continue;
      }
      Matcher action = FORM_ACTION.matcher(r.body());
      if (r.statusCode() == 200 && !action.find()) {
        return url;   // a page with nothing to fill: the provider is done (its "signed out")
      }
      if (r.statusCode() != 200) {
        throw new AssertionError("the provider answered " + r.statusCode() + ": " + r.body());
      }
      Map<String, String> form = new LinkedHashMap<>();
      Matcher hidden = HIDDEN.matcher(r.body());
      while (hidden.find()) {
        form.put(hidden.group(1), hidden.group(2));
      }
      if ("login".equals(form.get("prompt"))) {
        form.put("login", login);
        form.put("password", "any password");
      }
      if (r.body().contains("name=\"logout\"")) {
        form.put("logout", "yes");
      }
      String target = URI.create(url).resolve(action.group(1).replace("&amp;", "&")).toString();
      HttpResponse<String> sent = post(target, form);
      if (sent.statusCode() / 100 != 3) {
        return target;   // a page with no redirect: done (the provider's "signed out")
      }
      url = URI.create(target).resolve(sent.headers().firstValue("Location").orElseThrow()).toString();
    }
    throw new AssertionError("the provider never sent the browser back");
  }

  /** The value of a cookie the jar holds for sessiond, or null. */
  String cookie(String name) {
    return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
        .filter(c -> !c.hasExpired()).map(HttpCookie::getValue).findFirst().orElse(null);
  }
}
