package dev.sessiond.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * neko's {@code NekoWebSocket}, its timings scaled: every {@code 7 s × scale} it checks whether
 * anything arrived in the last {@code 12.5 s × scale}, and if not gives up on the socket as
 * stale. Only messages count (protocol pings are invisible to page code); a
 * {@code system/heartbeat} only refreshes the clock, everything else goes to {@link #messages}.
 */
final class NekoSocket implements WebSocket.Listener, AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
  /** Completes with why the socket ended: "stale" when this client gave up, else the close code. */
  final CompletableFuture<String> ended = new CompletableFuture<>();
  final AtomicInteger heartbeats = new AtomicInteger();
  private final ScheduledExecutorService staleCheck = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "neko-stale-check");
    t.setDaemon(true);
    return t;
  });
  private final StringBuilder partial = new StringBuilder();
  private volatile long lastReceived;
  private WebSocket socket;

  /** Opens {@code /api/ws?token=…}, or with {@code token} null {@code /api/ws} with the page's cookie. */
  static NekoSocket connect(int port, String token, String cookie, double scale) {
    NekoSocket neko = new NekoSocket();
    WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    if (cookie != null) {
      b.header("Cookie", cookie).header("Origin", "http://127.0.0.1:" + port);
    }
    String query = token == null ? "" : "?token=" + token;
    neko.socket = b.buildAsync(URI.create("ws://127.0.0.1:" + port + "/api/ws" + query), neko).join();
    neko.lastReceived = System.nanoTime(); // stricter than neko, which starts counting at the first message
    long timeout = (long) (12_500 * scale);
    long interval = (long) (7_000 * scale);
    neko.staleCheck.scheduleAtFixedRate(() -> {
      if (System.nanoTime() - neko.lastReceived >= TimeUnit.MILLISECONDS.toNanos(timeout) && !neko.ended.isDone()) {
        neko.ended.complete("stale");
        neko.socket.sendClose(1000, "stale");
      }
    }, interval, interval, TimeUnit.MILLISECONDS);
    return neko;
  }

  /** The next message other than a heartbeat whose event is {@code event}; fails after 5 s. */
  JsonNode next(String event) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      JsonNode m = messages.poll(100, TimeUnit.MILLISECONDS);
      if (m != null && m.path("event").asText().equals(event)) {
        return m;
      }
    }
    throw new AssertionError("no " + event + " within 5 s");
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      JsonNode m;
      try {
        m = Api.JSON.readTree(partial.toString());
      } catch (IOException e) {
        throw new AssertionError("neko's client does JSON.parse on every message: " + partial, e);
      }
      partial.setLength(0);
      lastReceived = System.nanoTime();
      if (m.path("event").asText().equals("system/heartbeat")) {
        heartbeats.incrementAndGet();
      } else {
        messages.add(m);
      }
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    ended.complete("closed " + statusCode + " " + reason);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    ended.complete("error " + error);
  }

  @Override
  public void close() {
    staleCheck.shutdownNow();
    if (!ended.isDone()) {
      socket.sendClose(1000, "bye");
    }
  }

  /**
   * What neko's {@code system/init} handler does with the payload, step by step: a missing
   * object it dereferences is a TypeError there, an AssertionError here.
   */
  static void systemInit(JsonNode conf) {
    require(conf.path("session_id").isTextual(), "this._state.session_id = conf.session_id");
    require(conf.path("touch_events").isBoolean(), "this._state.control.touch.supported = conf.touch_events");
    require(conf.path("screencast_enabled").isBoolean(), "this._state.connection.screencast = conf.screencast_enabled");
    require(conf.path("webrtc").isObject(), "conf.webrtc.videos");
    require(conf.path("webrtc").path("videos").isArray(), "this._state.connection.webrtc.videos = conf.webrtc.videos");
    require(conf.path("sessions").isObject(), "for (const id in conf.sessions)");
    conf.path("sessions").forEach(s -> {
      // SESSION_CREATED({ id, profile, ...state })
      require(s.isObject(), "const { id, profile, ...state } = conf.sessions[id]");
      require(s.path("id").isTextual() && s.path("profile").isObject(), "this._state.sessions[id] = { id, profile, state }");
    });
    JsonNode screen = conf.path("screen_size");
    require(screen.isObject(), "const { width, height, rate } = conf.screen_size");
    require(screen.path("width").isNumber() && screen.path("height").isNumber() && screen.path("rate").isNumber(),
        "this._state.screen.size = { width, height, rate }");
    JsonNode host = conf.path("control_host");
    require(host.isObject(), "CONTROL_HOST({ has_host, host_id, id }) on conf.control_host");
    require(host.path("has_host").isBoolean(), "has_host");
    require(conf.path("settings").isObject(), "this._state.settings = conf.settings");
  }

  private static void require(boolean ok, String step) {
    if (!ok) {
      throw new AssertionError("neko's system/init handler fails at: " + step);
    }
  }
}
