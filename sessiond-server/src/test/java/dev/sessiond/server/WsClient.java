package dev.sessiond.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (the JDK's) that records what the server sends and how it closes. */
final class WsClient implements WebSocket.Listener {

  record Close(int code, String reason) {}

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
  final CompletableFuture<Close> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  WebSocket socket;

  static WsClient connect(int port, String token) {
    WsClient client = new WsClient();
    client.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/api/ws?token=" + token), client).join();
    return client;
  }

  /** The HTTP status that refused the upgrade. */
  static int refusal(int port, String token, String... headers) {
    WebSocket.Builder b = HTTP.newWebSocketBuilder();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      b.buildAsync(URI.create("ws://127.0.0.1:" + port + "/api/ws" + (token == null ? "" : "?token=" + token)),
          new WsClient()).join().abort();
      throw new AssertionError("the upgrade was accepted");
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
      throw e;
    }
  }

  /** The next message whose event is {@code event}, skipping others; fails after 5 s. */
  JsonNode next(String event) throws InterruptedException {
    return next(event, Duration.ofSeconds(5));
  }

  /** The next message whose event is {@code event}, skipping others; fails after {@code within}. */
  JsonNode next(String event, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode m = messages.poll(100, TimeUnit.MILLISECONDS);
      if (m != null && m.path("event").asText().equals(event)) {
        return m;
      }
    }
    throw new AssertionError("no " + event + " within " + within);
  }

  Close awaitClose() {
    try {
      return closed.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the server did not close the socket within 30 s", e);
    }
  }

  void send(String text) {
    socket.sendText(text, true).join();
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      try {
        messages.add(Api.JSON.readTree(partial.toString()));
      } catch (IOException e) {
        throw new AssertionError("server sent non-JSON: " + partial, e);
      }
      partial.setLength(0);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(new Close(statusCode, reason));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(new Close(-1, String.valueOf(error)));
  }
}
