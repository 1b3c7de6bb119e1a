package dev.sessiond.server.oidc;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import dev.sessiond.core.Session;
import dev.sessiond.core.SessionService;
import dev.sessiond.core.SessiondException;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.identity.IdentityStore;
import dev.sessiond.core.identity.ProviderSession;
import dev.sessiond.server.forwardauth.LoginPage;
import dev.sessiond.server.forwardauth.RedirectPolicy;
import dev.sessiond.server.http.ClientAddress;
import dev.sessiond.server.http.CurrentSessionRoutes;
import dev.sessiond.server.http.Endpoints;
import dev.sessiond.server.http.Errors;
import dev.sessiond.server.http.HttpApi;
import dev.sessiond.server.http.SessionCookie;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paths an operator registers at each provider: {@code GET /login/oidc/<name>} starts a
 * sign-in ({@code ?rd=} as for the login page), {@code GET /login/oidc/<name>/callback} finishes
 * it (a session made as the password login makes one: same cookie, same "Your devices"), and
 * {@code POST /login/oidc/<name>/backchannel-logout} takes the provider's logout token and ends
 * the sessions of that provider session ({@code sid}) or subject ({@code sub}) on every node,
 * with reason {@code provider_logout}. The browser's pages answer HTML (the login page with a
 * message); the back-channel answers 200, or 400 with a JSON error. Calls to the provider run on
 * a worker thread, never on an event loop.
 */
public final class OidcRoutes implements LoginPage.SignOut {

  private static final Logger LOG = LoggerFactory.getLogger(OidcRoutes.class);
  private static final Duration SIGN_IN_TIME = Duration.ofMinutes(10);
  /** A logout token without {@code exp} is remembered this long (beyond any clock skew a check allows). */
  private static final Duration REMEMBER_JTI = Duration.ofHours(1);

  private final Map<String, OidcProvider> providers = new LinkedHashMap<>();
  private final SessionService sessions;
  private final IdentityStore identities;
  private final SessionCookie cookie;
  private final RedirectPolicy redirects;
  private final ClientAddress clients;
  private final boolean secureCookies;
  private final Vertx vertx;
  private LoginPage page;

  public OidcRoutes(List<OidcProvider> providers, SessionService sessions, IdentityStore identities, SessionCookie cookie,
      RedirectPolicy redirects, ClientAddress clients, boolean secureCookies, Vertx vertx) {
    providers.forEach(p -> this.providers.put(p.settings().name(), p));
    this.sessions = sessions;
    this.identities = identities;
    this.cookie = cookie;
    this.redirects = redirects;
    this.clients = clients;
    this.secureCookies = secureCookies;
    this.vertx = vertx;
  }

  /** The buttons of the login page: name to display name, in the configured order. */
  public Map<String, String> buttons() {
    Map<String, String> out = new LinkedHashMap<>();
    providers.values().forEach(p -> out.put(p.settings().name(), p.settings().displayName()));
    return out;
  }

  /** Discovers every provider in the background; one that is down is tried again when used. */
  public void discoverAll() {
    for (OidcProvider p : providers.values()) {
      vertx.executeBlocking(() -> {
        p.discover();
        return null;
      }, false).onComplete(r -> {
        if (r.failed()) {
          LOG.warn("oidc provider {}: {}; will try again when used", p.settings().name(), r.cause().getMessage());
        } else {
          LOG.info("oidc provider {}: discovered {}", p.settings().name(), p.settings().issuer());
        }
      });
    }
  }

  public void mount(HttpApi api, LoginPage loginPage) {
    this.page = loginPage;
    api.route(GET, "/login/oidc/:name", this::start);
    api.route(GET, "/login/oidc/:name/callback", this::callback);
    api.route(POST, "/login/oidc/:name/backchannel-logout", this::backChannelLogout);
  }

  private void start(RoutingContext ctx) {
    OidcProvider provider = providers.get(ctx.pathParam("name"));
    if (provider == null) {
      page.message(ctx, 404, "There is no sign-in provider by that name.");
      return;
    }
    String rd = ctx.request().getParam("rd");
    if (rd != null && !rd.isEmpty() && redirects.check(rd).isEmpty()) {
      page.message(ctx, 400, "The address to return to is not one this server may send you to, so it will not be followed.");
      return;
    }
    SignInState state = SignInState.fresh(rd);
    vertx.executeBlocking(() -> provider.authorizationUrl(state.state(), state.nonce(), state.verifier()), false)
        .onComplete(r -> {
          if (r.failed()) {
            LOG.warn("oidc {}: sign-in not started: {}", provider.settings().name(), r.cause().getMessage());
            page.message(ctx, 503, provider.settings().displayName() + " cannot be reached right now. Try again shortly"
                + " or sign in another way.");
            return;
          }
          ctx.response().addCookie(stateCookie(provider, state.encode(), SIGN_IN_TIME))
              .setStatusCode(302).putHeader("Location", r.result().toString()).putHeader("Cache-Control", "no-store").end();
        });
  }

  private void callback(RoutingContext ctx) {
    OidcProvider provider = providers.get(ctx.pathParam("name"));
    if (provider == null) {
      page.message(ctx, 404, "There is no sign-in provider by that name.");
      return;
    }
    String name = provider.settings().name();
    Cookie held = ctx.request().getCookie(SignInState.COOKIE);
    ctx.response().addCookie(stateCookie(provider, "", Duration.ZERO));
    Optional<SignInState> remembered = held == null ? Optional.empty() : SignInState.decode(held.getValue());
    String state = ctx.request().getParam("state");
    if (remembered.isEmpty() || state == null || !dev.sessiond.core.Tokens.constantTimeEquals(remembered.get().state(), state)) {
      LOG.info("oidc {}: callback refused: state {}", name, remembered.isEmpty() ? "cookie missing" : "does not match");
      page.message(ctx, 400, "This sign-in cannot be finished (it was not started in this browser, or it was already"
          + " used). Start again.");
      return;
    }
    SignInState s = remembered.get();
    String error = ctx.request().getParam("error");
    String code = ctx.request().getParam("code");
    if (error != null || code == null || code.isEmpty()) {
      LOG.info("oidc {}: callback refused: provider error {}", name, error);
      page.message(ctx, 400, provider.settings().displayName() + " did not sign you in"
          + (error == null ? "." : ": " + error + "."));
      return;
    }
    String target = s.rd().isEmpty() ? redirects.home() : redirects.check(s.rd()).orElse(null);
    if (target == null) {
      page.message(ctx, 400, "The address to return to is not one this server may send you to, so it will not be followed.");
      return;
    }
    String ip = clients.of(ctx);
    String agent = CurrentSessionRoutes.truncate(ctx.request().getHeader("User-Agent"));
    CompletionStage<SessionService.Issued> signedIn = vertx.executeBlocking(() -> provider.redeem(code, s.verifier(), s.nonce()), false)
        .toCompletionStage()
        .thenCompose(verified -> {
          ClaimMapping.Mapped who = ClaimMapping.map(provider.settings(), verified.claims());
          return sessions.create(new SessionService.NewSession(who.userId(), who.profile(), null, ip, agent),
              Actor.member(who.userId())).thenCompose(issued -> identities.link(new ProviderSession(name,
                  verified.claims().getStringClaim("sid"), verified.claims().getSubject().getValue(),
                  issued.session().id(), verified.idToken(), issued.session().deadline())).thenApply(v -> issued));
        });
    Endpoints.onLoop(ctx, signedIn, (issued, failure) -> {
      if (failure != null) {
        Throwable t = Errors.unwrap(failure);
        LOG.info("oidc {}: sign-in refused ip={}: {}", name, ip, t.getMessage());
        if (t instanceof OidcProvider.Refused) {
          page.message(ctx, 400, provider.settings().displayName() + " did not sign you in: " + t.getMessage() + ".");
        } else if (t instanceof OidcProvider.Unavailable) {
          page.message(ctx, 503, provider.settings().displayName() + " cannot be reached right now. Try again shortly.");
        } else if (t instanceof SessiondException se && Errors.statusOf(se) < 500) {
          page.message(ctx, Errors.statusOf(se), capital(se.getMessage()) + ".");
        } else {
          Errors.send(ctx, t);
        }
        return;
      }
      Session session = issued.session();
      LOG.info("oidc {}: session={} user={} ip={}", name, session.id(), session.userId(), ip);
      ctx.response().addCookie(cookie.issue(issued.token(), Duration.between(Instant.now(), session.deadline())))
          .setStatusCode(303).putHeader("Location", target).putHeader("Cache-Control", "no-store").end();
    });
  }

  private void backChannelLogout(RoutingContext ctx) {
    OidcProvider provider = providers.get(ctx.pathParam("name"));
    if (provider == null) {
      logoutAnswer(ctx, 404, "not_found", "no provider by that name");
      return;
    }
    String name = provider.settings().name();
    String token = ctx.request().getFormAttribute("logout_token");
    if (token == null || token.isEmpty()) {
      logoutAnswer(ctx, 400, "invalid_request", "logout_token is required");
      return;
    }
    com.nimbusds.jwt.JWT jwt;
    try {
      jwt = com.nimbusds.jwt.JWTParser.parse(token);
    } catch (java.text.ParseException e) {
      logoutAnswer(ctx, 400, "invalid_request", "logout_token is not a JWT");
      return;
    }
    CompletionStage<Integer> ended = vertx.executeBlocking(() -> provider.checkLogoutToken(jwt), false).toCompletionStage()
        .thenCompose(claims -> {
          if (claims.getJWTID() == null) {
            throw new OidcProvider.Refused("the logout token has no jti");
          }
          Instant until = claims.getExpirationTime() != null
              ? claims.getExpirationTime().toInstant().plus(Duration.ofMinutes(2))
              : Instant.now().plus(REMEMBER_JTI);
          return identities.firstUse(name, claims.getJWTID().getValue(), until).thenCompose(first -> {
            if (!first) {
              throw new OidcProvider.Refused("the logout token was used before (its jti is known)");
            }
            CompletionStage<List<String>> which = claims.getSessionID() != null
                ? identities.sessionsOfSid(name, claims.getSessionID().getValue())
                : identities.sessionsOfSub(name, claims.getSubject().getValue());
            return which.thenCompose(this::endAll);
          });
        });
    Endpoints.onLoop(ctx, ended, (n, failure) -> {
      if (failure != null) {
        Throwable t = Errors.unwrap(failure);
        LOG.info("oidc {}: back-channel logout refused: {}", name, t.getMessage());
        if (t instanceof OidcProvider.Refused) {
          logoutAnswer(ctx, 400, "invalid_request", t.getMessage());
        } else if (t instanceof OidcProvider.Unavailable) {
          logoutAnswer(ctx, 503, "temporarily_unavailable", t.getMessage());
        } else {
          Errors.send(ctx, t);
        }
        return;
      }
      LOG.info("oidc {}: back-channel logout ended {} sessions", name, n);
      ctx.response().setStatusCode(200).putHeader("Cache-Control", "no-store").end();
    });
  }

  private CompletionStage<Integer> endAll(List<String> ids) {
    CompletionStage<Integer> done = java.util.concurrent.CompletableFuture.completedFuture(0);
    for (String id : ids) {
      done = done.thenCompose(n -> sessions.revoke(id, Actor.SYSTEM, dev.sessiond.core.events.Reasons.PROVIDER_LOGOUT)
          .handle((v, e) -> {
            if (e == null) {
              return n + 1;
            }
            if (Errors.unwrap(e) instanceof SessiondException.NotFound) {
              return n;   // ended already
            }
            throw e instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(e);
          }));
    }
    return done;
  }

  /** RP-initiated logout: where the browser goes after signing out of {@code session}, if to the provider. */
  @Override
  public CompletionStage<Optional<String>> afterSignOut(Session session, String rd) {
    if (providers.values().stream().noneMatch(p -> p.settings().endSession())) {
      return java.util.concurrent.CompletableFuture.completedFuture(Optional.empty());
    }
    return identities.find(session.id()).thenApply(found -> found.flatMap(link -> {
      OidcProvider provider = providers.get(link.provider());
      if (provider == null) {
        return Optional.empty();
      }
      String back = rd == null || rd.isEmpty() ? null : redirects.check(rd).orElse(null);
      return Optional.ofNullable(provider.endSessionUrl(link.idToken(), back)).map(Object::toString);
    }));
  }

  private Cookie stateCookie(OidcProvider provider, String value, Duration maxAge) {
    return Cookie.cookie(SignInState.COOKIE, value)
        .setPath("/login/oidc/" + provider.settings().name() + "/callback")
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.LAX)
        .setSecure(secureCookies)
        .setMaxAge(maxAge.toSeconds());
  }

  private static void logoutAnswer(RoutingContext ctx, int status, String error, String description) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("error_description", description);
    body.put("message", description);
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
        .end(dev.sessiond.server.http.Json.encode(body));
  }

  private static String capital(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + s.substring(1);
  }
}
