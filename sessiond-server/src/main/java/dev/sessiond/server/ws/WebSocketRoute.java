package dev.sessiond.server.ws;

import static io.vertx.core.http.HttpMethod.GET;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessiond.core.SessionService;
import dev.sessiond.core.SessiondException;
import dev.sessiond.server.http.Auth;
import dev.sessiond.server.http.Endpoints;
import dev.sessiond.server.http.Errors;
import dev.sessiond.server.http.HttpApi;
import dev.sessiond.server.http.Json;
import dev.sessiond.server.limits.Permit;
import dev.sessiond.server.limits.WebSocketLimits;
import dev.sessiond.server.wire.Responses.ErrorMessage;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.HttpServerConnection;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/ws}: upgrades an authenticated request to a WebSocket. Refusals are plain
 * HTTP answers (401 without a valid session, 403 when the profile may not connect).
 * {@code ?feed=own} asks for the live feed of the caller's own user's sessions. An admin's
 * socket opened with {@code ?after=} also gets every entry of the event log as a
 * {@code log/event} frame: those after {@code ?after=<event id>}, then the live ones (how a
 * console resumes after a dropped socket; an empty {@code after} starts from now). Client
 * frames must be JSON text {@code {"event": ...}}; binary, invalid JSON, oversized messages
 * and floods close the offending connection only. A socket past {@link WebSocketLimits}' ceilings
 * (in all, per user, per session) is refused with a JSON 429 before the upgrade; the sockets
 * already open are untouched.
 */
public final class WebSocketRoute {

  public static final int MAX_MESSAGE_BYTES = 64 * 1024;
  public static final int MESSAGES_PER_SECOND = 20;
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketRoute.class);

  private final Auth auth;
  private final LiveConnections live;
  private final SessionService sessions;
  private final AdminLog adminLog;
  private final WebSocketLimits limits;
  /** What a closed socket does, one for every socket. */
  private final java.util.function.Consumer<Connection> onClosed;

  public WebSocketRoute(Auth auth, LiveConnections live, SessionService sessions, AdminLog adminLog,
      WebSocketLimits limits) {
    this.auth = auth;
    this.limits = limits;
    this.live = live;
    this.sessions = sessions;
    this.adminLog = adminLog;
    this.onClosed = closed -> {
      live.closed(closed);
      adminLog.closed(closed);
    };
  }

  public void mount(HttpApi api) {
    api.route(GET, "/api/ws", ctx -> {
      // Authentication may finish later (a Redis round trip): keep the request unread until the upgrade.
      ctx.request().pause();
      Endpoints.onLoop(ctx, Endpoints.attempt(() -> auth.caller(ctx.request())).thenCompose(c -> c.isApiToken()
          ? java.util.concurrent.CompletableFuture.completedFuture(c) : live.ready(c.session()).thenApply(named -> c)),
          (caller, error) -> {
          String upgrade = ctx.request().getHeader("Upgrade");
          if (error == null && (upgrade == null || !upgrade.equalsIgnoreCase("websocket"))) {
            error = new SessiondException.Invalid("this endpoint needs a WebSocket upgrade (Upgrade: websocket)");
          } else if (error == null && caller.isApiToken()) {
            error = new SessiondException.Forbidden("the API token has no session to connect");
          } else if (error == null && caller.viaCookie() && Auth.isCrossOrigin(ctx.request())) {
            error = new SessiondException.Forbidden("cross-origin WebSocket refused");
          } else if (error == null && !caller.session().profile().canConnect()) {
            error = new SessiondException.Forbidden("this profile may not connect");
          }
          if (error == null) {
            error = handshakeRefusal(ctx.request());
          }
          Permit permit = null;
          if (error == null) {
            try {
              permit = limits.take(caller.session().userId(), caller.session().id());
            } catch (SessiondException.RateLimited full) {
              error = full;
            }
          }
          if (error != null) {
            ctx.request().resume();
            if (error instanceof UnsupportedVersion) {
              ctx.response().setStatusCode(426).putHeader("Sec-WebSocket-Version", "13")
                  .putHeader("Content-Type", "application/json")
                  .end(Json.encode(new ErrorMessage(error.getMessage())));
            } else {
              Errors.send(ctx, error);
            }
            return;
          }
          String after = ctx.request().getParam("after");
          boolean logFeed = after != null && caller.session().profile().isAdmin();
          String resumeAfter = after == null || after.isBlank() ? null : after;
          // The place is the TCP connection's until it closes, however the socket ends.
          io.netty.channel.Channel channel = ((HttpServerConnection) ctx.request().connection()).channelHandlerContext().channel();
          Permit place = permit.heldUntilClosed(channel);
          ctx.request().toWebSocket()
              .onSuccess(ws -> {
                // The upgraded socket keeps the request's channel: vertx-web wraps the socket, not the connection.
                io.netty.channel.ChannelPipeline pipeline =
                    ((HttpServerConnection) ctx.request().connection()).channelHandlerContext().pipeline();
                Connection c = new Connection(ws, FrameGuard.install(pipeline, MAX_MESSAGE_BYTES, caller.session().id()),
                    caller.session(), onClosed, "own".equals(ctx.request().getParam("feed")));
                UpgradeTrim.release(pipeline);
                open(ws, c, caller.session());
                if (logFeed) {
                  adminLog.opened(c, resumeAfter);
                }
              })
              .onFailure(e -> {
                place.releaseFrom(channel);
                LOG.debug("WebSocket upgrade failed: {}", e.toString());
              });
        });
    });
  }

  /** The version a client asked for that is not RFC 6455's 13: answered 426 with the one we speak. */
  private static final class UnsupportedVersion extends RuntimeException {
    UnsupportedVersion(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The RFC 6455 handshake conditions Vert.x would otherwise refuse with a text or empty body:
   * checked first so that the refusal is JSON like every other.
   */
  private static RuntimeException handshakeRefusal(HttpServerRequest request) {
    String connection = request.getHeader("Connection");
    if (connection == null || !connection.toLowerCase(java.util.Locale.ROOT).contains("upgrade")) {
      return new SessiondException.Invalid("a WebSocket upgrade needs 'Connection: Upgrade'");
    }
    if (!"13".equals(request.getHeader("Sec-WebSocket-Version"))) {
      return new UnsupportedVersion("unsupported Sec-WebSocket-Version; this server speaks 13");
    }
    String key = request.getHeader("Sec-WebSocket-Key");
    if (key == null || key.isBlank()) {
      return new SessiondException.Invalid("a WebSocket upgrade needs a Sec-WebSocket-Key");
    }
    return null;
  }

  /**
   * Pings every socket, drops silent ones, and counts an open socket as use of its session,
   * once per {@code keepAliveEvery} (less half an interval, so that a beat's jitter does not
   * push it to the next beat).
   */
  public void heartbeat(Duration interval, Duration keepAliveEvery) {
    Duration every = keepAliveEvery.minus(interval.dividedBy(2));
    for (String sessionId : live.heartbeat(interval.multipliedBy(2).plusMillis(100), every)) {
      sessions.keepAlive(sessionId);
    }
  }

  private void open(ServerWebSocket ws, Connection c, dev.sessiond.core.Session session) {
    ws.exceptionHandler(e -> LOG.debug("WebSocket of session {} failed: {}", c.sessionId(), e.toString()));
    ws.closeHandler(v -> c.peerClosed());
    ws.binaryMessageHandler(b -> c.close(CloseCodes.UNSUPPORTED_DATA, "binary frames are not accepted"));
    ws.textMessageHandler(text -> onText(c, text));
    live.opened(c, session);
  }

  private void onText(Connection c, String text) {
    c.heard();
    if (!c.withinRate(MESSAGES_PER_SECOND)) {
      c.close(CloseCodes.POLICY_VIOLATION, "more than " + MESSAGES_PER_SECOND + " messages a second");
      return;
    }
    if (text.length() > MAX_MESSAGE_BYTES) {
      c.close(CloseCodes.MESSAGE_TOO_BIG, "message larger than " + MAX_MESSAGE_BYTES / 1024 + " KiB");
      return;
    }
    JsonNode frame;
    try {
      frame = Json.MAPPER.readTree(text);
    } catch (IOException e) {
      frame = null;
    }
    if (frame == null || !frame.isObject() || !frame.path("event").isTextual()) {
      c.close(CloseCodes.INVALID_PAYLOAD, "frames must be JSON {\"event\": ..., \"payload\": ...}");
    }
    // client/heartbeat and any other well-formed event only prove the peer is alive.
  }
}
