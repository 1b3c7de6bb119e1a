package dev.sessiond.server.forwardauth;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import dev.sessiond.core.LoginService;
import dev.sessiond.core.SessionService;
import dev.sessiond.core.SessiondException;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Reasons;
import dev.sessiond.server.http.Auth;
import dev.sessiond.server.http.ClientAddress;
import dev.sessiond.server.http.CurrentSessionRoutes;
import dev.sessiond.server.http.Endpoints;
import dev.sessiond.server.http.Errors;
import dev.sessiond.server.http.HttpApi;
import dev.sessiond.server.http.Json;
import dev.sessiond.server.http.SessionCookie;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login page ({@code /login}) and {@code /logout}: plain HTML from the jar in the console's
 * style, no script. {@code GET /logout} signs out only a request the browser proves came from
 * the user or from sessiond's own pages ({@link Auth#isProvenSameOrigin}); any other gets a page
 * whose button posts the sign-out. The server decides where the browser goes: a form post is answered 303 to
 * the checked {@code rd} (or sessiond's front page), a scripted post (JSON) gets that target in
 * its answer; an {@code rd} that {@link RedirectPolicy} refuses is never followed. Sign-in goes
 * through {@link LoginService}, so the API's throttle and its one message for any wrong
 * credential hold here too.
 */
public final class LoginPage {

  private static final Logger LOG = LoggerFactory.getLogger(LoginPage.class);
  static final String WRONG = "Wrong username or password.";

  /** A scripted sign-in: what the page's form sends, as JSON. */
  public record SignIn(String username, String password, String rd) {}

  /** The answer to a scripted sign-in: where to send the browser. */
  public record Target(String redirect) {}

  private record Signed(SessionService.Issued issued, String target) {}

  /** What else signing out does: where to send the browser instead of the signed-out page (a provider's end-session URL). */
  public interface SignOut {
    CompletionStage<java.util.Optional<String>> afterSignOut(dev.sessiond.core.Session session, String rd);
  }

  /** Sign-in buttons for OpenID Providers (name to display name) and what signing out does besides; none by default. */
  private volatile java.util.Map<String, String> providers = java.util.Map.of();
  private volatile SignOut signOut = (session, rd) -> CompletableFuture.completedFuture(java.util.Optional.empty());

  private final LoginService login;
  private final SessionService sessions;
  private final SessionCookie cookie;
  private final RedirectPolicy redirects;
  private final ClientAddress clients;
  private final String template;

  public LoginPage(LoginService login, SessionService sessions, SessionCookie cookie, RedirectPolicy redirects,
      ClientAddress clients) {
    this.login = login;
    this.sessions = sessions;
    this.cookie = cookie;
    this.redirects = redirects;
    this.clients = clients;
    this.template = resource("login/login.html");
  }

  /** Offers a sign-in button per provider ({@code /login/oidc/<name>}) and RP-initiated logout; before {@link #mount}. */
  public void offer(java.util.Map<String, String> buttons, SignOut afterSignOut) {
    this.providers = java.util.Map.copyOf(new java.util.LinkedHashMap<>(buttons));
    this.providerOrder = java.util.List.copyOf(buttons.keySet());
    this.signOut = afterSignOut;
  }

  private volatile java.util.List<String> providerOrder = java.util.List.of();

  /** The login page with {@code message} as an error, for another route's answer (a provider's sign-in). */
  public void message(RoutingContext ctx, int status, String message) {
    page(ctx, status, message, status >= 400, null, false);
  }

  public void mount(HttpApi api) {
    Handler<RoutingContext> scripted = ctx -> Endpoints.onLoop(ctx, Endpoints.attempt(() -> {
      SignIn body = Json.body(ctx, SignIn.class);
      return signIn(ctx, body.username(), body.password(), body.rd());
    }), (signed, error) -> {
      if (error != null) {
        Errors.send(ctx, error);
        return;
      }
      ctx.response().addCookie(cookieFor(signed.issued())).setStatusCode(200)
          .putHeader("Cache-Control", "no-store").putHeader("Content-Type", "application/json")
          .end(Json.encode(new Target(signed.target())));
    });
    api.route(GET, "/login", ctx -> {
      String rd = ctx.request().getParam("rd");
      if (refused(rd)) {
        page(ctx, 400, notAllowed(rd), true, null, false);
      } else {
        page(ctx, 200, "", false, rd, false);
      }
    });
    api.route(POST, "/login", ctx -> {
      String type = ctx.request().getHeader("Content-Type");
      if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
        scripted.handle(ctx);
      } else {
        formSignIn(ctx);
      }
    });
    api.route(GET, "/logout", ctx -> {
      // A GET is what a link or an <img> on any site sends, a sibling site's (same-site) with
      // the Lax cookie: only a browser that says the user or sessiond's own page asked signs
      // out at once; anything else gets a button, whose POST is checked like every unsafe request.
      if (Auth.isProvenSameOrigin(ctx.request())) {
        logout(ctx, ctx.request().getParam("rd"));
      } else {
        page(ctx, 200, "", false, rd(ctx.request().getParam("rd")), true);
      }
    });
    api.route(POST, "/logout", ctx -> {
      if (Auth.isCrossOrigin(ctx.request())) {
        page(ctx, 403, "Signing out from another site is refused.", true, null, false);
      } else {
        logout(ctx, ctx.request().getFormAttribute("rd"));
      }
    });
  }

  private void formSignIn(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String rd = request.getFormAttribute("rd");
    if (refused(rd)) {
      page(ctx, 400, notAllowed(rd), true, null, false);
      return;
    }
    CompletionStage<Signed> stage = Endpoints.attempt(
        () -> signIn(ctx, request.getFormAttribute("username"), request.getFormAttribute("password"), rd));
    Endpoints.onLoop(ctx, stage, (signed, error) -> {
      if (error == null) {
        ctx.response().addCookie(cookieFor(signed.issued()));
        ctx.response().setStatusCode(303).putHeader("Location", signed.target()).putHeader("Cache-Control", "no-store").end();
        return;
      }
      Throwable t = Errors.unwrap(error);
      int status = Errors.statusOf(t);
      String message = switch (status) {
        case 400, 401 -> WRONG;
        case 403 -> t.getMessage().substring(0, 1).toUpperCase(java.util.Locale.ROOT) + t.getMessage().substring(1) + ".";
        case 429 -> throttled(((SessiondException.RateLimited) t).retryAfter());
        case 503 -> "Sign-in is unavailable right now (the session store does not answer). Try again shortly.";
        default -> null;
      };
      if (message == null) {
        Errors.send(ctx, t);
        return;
      }
      if (t instanceof SessiondException.RateLimited limited) {
        ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, limited.retryAfter().toSeconds())));
      }
      page(ctx, status, message, true, rd, false, request.getFormAttribute("username"));
    });
  }

  /** Checks the origin and {@code rd}, then signs in; the caller sets the cookie, on the event loop. */
  private CompletionStage<Signed> signIn(RoutingContext ctx, String username, String password, String rd) {
    if (Auth.isCrossOrigin(ctx.request())) {
      throw new SessiondException.Forbidden("cross-origin request refused");
    }
    if (refused(rd)) {
      throw new SessiondException.Invalid("rd is not an address this server may send you to: " + notAllowed(rd));
    }
    String target = rd == null || rd.isEmpty() ? redirects.home() : redirects.check(rd).orElseThrow();
    String ip = clients.of(ctx);
    return login.login(username, password, ip, CurrentSessionRoutes.truncate(ctx.request().getHeader("User-Agent")))
        .whenComplete((issued, error) -> {
          if (error != null) {
            LOG.info("login page: refused username={} ip={}: {}", username, ip, Errors.unwrap(error).getMessage());
          } else {
            LOG.info("login page: session={} user={} ip={}", issued.session().id(), issued.session().userId(), ip);
          }
        })
        .thenApply(issued -> new Signed(issued, target));
  }

  private Cookie cookieFor(SessionService.Issued issued) {
    return cookie.issue(issued.token(), Duration.between(Instant.now(), issued.session().deadline()));
  }

  private void logout(RoutingContext ctx, String rd) {
    Cookie held = ctx.request().getCookie(Auth.COOKIE);
    String keep = rd(rd);
    CompletionStage<java.util.Optional<String>> ended = held == null ? CompletableFuture.completedFuture(java.util.Optional.empty())
        : Endpoints.attempt(() -> sessions.verify(held.getValue())).thenCompose(found -> found
            .map(s -> sessions.revoke(s.id(), Actor.session(s.userId(), s.id()), Reasons.LOGOUT).thenCompose(v -> {
              LOG.info("logout page: session={} user={}", s.id(), s.userId());
              return signOut.afterSignOut(s, keep);
            }))
            .orElse(CompletableFuture.completedFuture(java.util.Optional.empty())));
    Endpoints.onLoop(ctx, ended, (elsewhere, error) -> {
      if (error != null) {
        Errors.send(ctx, error);
        return;
      }
      ctx.response().addCookie(cookie.clear());
      if (elsewhere.isPresent()) {
        // RP-initiated logout: the provider ends its own session, then sends the browser back.
        ctx.response().setStatusCode(303).putHeader("Location", elsewhere.get()).putHeader("Cache-Control", "no-store").end();
        return;
      }
      page(ctx, 200, "You are signed out.", false, keep, false);
    });
  }

  private boolean refused(String rd) {
    return rd != null && !rd.isEmpty() && redirects.check(rd).isEmpty();
  }

  /** {@code rd} if it may be followed, else nothing. */
  private String rd(String rd) {
    return refused(rd) ? null : rd;
  }

  private String notAllowed(String rd) {
    String host = RedirectPolicy.hostOf(rd);
    if (host != null && redirects.refusesForPlainHttp(rd)) {
      return "The address to return to (" + host + ") is not https, so it will not be followed.";
    }
    return host == null ? "The address to return to is not valid, so it will not be followed."
        : "The address to return to (" + host + ") is not one this server may send you to, so it will not be followed.";
  }

  static String throttled(Duration wait) {
    long seconds = Math.max(1, wait.toSeconds());
    String when = seconds < 60 ? seconds + (seconds == 1 ? " second" : " seconds")
        : ((seconds + 59) / 60) + ((seconds + 59) / 60 == 1 ? " minute" : " minutes");
    return "Too many failed sign-ins. Try again in " + when + ".";
  }

  private void page(RoutingContext ctx, int status, String message, boolean error, String rd, boolean offerSignOut) {
    page(ctx, status, message, error, rd, offerSignOut, "");
  }

  private void page(RoutingContext ctx, int status, String message, boolean error, String rd, boolean offerSignOut,
      String username) {
    String host = rd == null || rd.isEmpty() ? null : RedirectPolicy.hostOf(rd);
    String html = template
        .replace("{{status_class}}", error ? "error" : "")
        .replace("{{message}}", escape(message))
        .replace("{{destination}}", host == null ? "" : "After signing in you go back to " + escape(host) + ".")
        .replace("{{rd}}", escape(rd == null ? "" : rd))
        .replace("{{sign_out_hidden}}", offerSignOut ? "" : " hidden")
        .replace("{{username}}", escape(username == null ? "" : username))
        .replace("{{providers}}", buttons(rd))
        .replace("{{providers_hidden}}", providerOrder.isEmpty() ? " hidden" : "");
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "same-origin")
        .end(html);
  }

  /** A link per provider, carrying {@code rd}: plain links, so the page stays script-free. */
  private String buttons(String rd) {
    StringBuilder out = new StringBuilder();
    String query = rd == null || rd.isEmpty() ? "" : "?rd=" + java.net.URLEncoder.encode(rd, StandardCharsets.UTF_8);
    for (String name : providerOrder) {
      out.append("<a class=\"button provider\" id=\"provider-").append(escape(name)).append("\" href=\"login/oidc/")
          .append(escape(name)).append(escape(query)).append("\">Sign in with ").append(escape(providers.get(name)))
          .append("</a>\n");
    }
    return out.toString();
  }

  /** Text and attribute values in the template; the only markup the server writes into the page. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String resource(String name) {
    try (InputStream in = LoginPage.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
