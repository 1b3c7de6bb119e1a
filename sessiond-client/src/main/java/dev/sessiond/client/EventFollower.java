package dev.sessiond.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Follows sessiond's event log ({@code GET /api/events}, Server-Sent Events, with the key) on a
 * thread of its own and applies every session event to the cache: a revocation or expiry evicts
 * what it names (one session, a user's, everyone's), a profile change evicts the user's entries.
 * It starts from the newest entry and, after a lost connection, resumes from the last entry it
 * applied ({@code Last-Event-ID}), so nothing is missed across a short gap. Anything read, a
 * keep-alive comment included, counts as a sign of life; after {@code bound} without one the
 * cache is not trusted (see {@link #fresh}) and the connection is dropped and made again.
 */
final class EventFollower implements Runnable, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(EventFollower.class.getName());
  private static final long MAX_BACKOFF_MS = 2000;

  private final HttpClient http;
  private final URI base;
  private final String apiKey;
  private final SessionCache cache;
  private final ObjectMapper json;
  private final long boundNanos;
  private final int keepaliveSeconds;
  private final CountDownLatch opened = new CountDownLatch(1);
  private final Thread thread;

  private volatile long lastSignNanos;
  private volatile boolean closed;
  private volatile InputStream current;
  private volatile String lastEventId;
  private volatile long lagMillis;
  private volatile String trouble;

  EventFollower(HttpClient http, URI base, String apiKey, SessionCache cache, ObjectMapper json, Duration bound) {
    this.http = http;
    this.base = base;
    this.apiKey = apiKey;
    this.cache = cache;
    this.json = json;
    this.boundNanos = bound.toNanos();
    // Four keep-alives per bound: one lost or late still leaves the link counted alive.
    this.keepaliveSeconds = (int) Math.max(1, Math.min(15, bound.toSeconds() / 4));
    this.lastSignNanos = System.nanoTime() - boundNanos - 1;
    this.thread = new Thread(this, "sessiond-client-feed");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Waits up to {@code wait} for the first connection; true when it is open. */
  boolean awaitOpen(Duration wait) throws InterruptedException {
    return opened.await(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** True while the last sign of life from the feed is less than the bound old. */
  boolean fresh() {
    return System.nanoTime() - lastSignNanos < boundNanos;
  }

  /** How late the last applied event was, from its time in the log to its eviction here. */
  long lagMillis() {
    return lagMillis;
  }

  /** Why the feed is not open, when it is not (for logs and errors). */
  String trouble() {
    return trouble;
  }

  /** Called by the watchdog: a silent feed past the bound is dropped, to be made again. */
  void checkAlive() {
    if (!fresh()) {
      InputStream in = current;
      if (in != null) {
        current = null;
        try {
          in.close();
        } catch (IOException ignored) {
          // the reader sees it closed either way
        }
        thread.interrupt();   // a read blocked on a silent connection wakes up with it
      }
    }
  }

  @Override
  public void run() {
    long backoff = 50;
    while (!closed) {
      try {
        if (follow()) {
          backoff = 50;
        }
      } catch (IOException | RuntimeException | InterruptedException e) {
        if (!closed) {
          trouble = "event feed lost: " + e;
          LOG.log(System.Logger.Level.DEBUG, trouble);
        }
      }
      Thread.interrupted();   // the watchdog's wake-up call, answered
      if (closed) {
        return;
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        if (closed) {
          return;
        }
      }
      backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    }
  }

  /** One connection, read until it ends; true when it was open for a while. */
  private boolean follow() throws IOException, InterruptedException {
    String last = lastEventId;
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/api/events?keepalive=" + keepaliveSeconds
            + (last == null ? "&after=now" : "")))
        .timeout(Duration.ofNanos(boundNanos))
        .header("Accept", "text/event-stream")
        .header("Authorization", "Bearer " + apiKey);
    if (last != null) {
      request.header("Last-Event-ID", last);
    }
    HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      String body;
      try (InputStream in = response.body()) {
        body = new String(in.readNBytes(1000), StandardCharsets.UTF_8);
      }
      trouble = "event feed refused: HTTP " + response.statusCode() + " " + body;
      LOG.log(System.Logger.Level.WARNING, trouble);
      return false;
    }
    try (InputStream in = response.body();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      current = in;
      lastSignNanos = System.nanoTime();
      trouble = null;
      opened.countDown();
      String id = null;
      StringBuilder data = new StringBuilder();
      String line;
      while (!closed && (line = reader.readLine()) != null) {
        lastSignNanos = System.nanoTime();
        if (line.isEmpty()) {
          if (data.length() > 0) {
            apply(data.toString());
            if (id != null) {
              lastEventId = id;
            }
          }
          id = null;
          data.setLength(0);
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).trim());
        }
      }
      return true;
    } finally {
      current = null;
    }
  }

  private void apply(String data) throws IOException {
    JsonNode e = json.readTree(data);
    String type = e.path("type").asText();
    String sessionId = text(e, "session_id");
    String userId = text(e, "user_id");
    switch (type) {
      case "session.revoked", "session.expired" -> {
        SessionCache.Cause cause = type.equals("session.expired") ? SessionCache.Cause.EXPIRED : SessionCache.Cause.REVOKED;
        if (sessionId != null) {
          cache.evictSession(sessionId, userId, cause);
        } else if (userId != null) {
          cache.evictUser(userId, cause);
        } else {
          cache.clear(SessionCache.Cause.CLEARED);
        }
      }
      case "session.updated" -> {
        if (userId != null) {
          cache.evictUser(userId, SessionCache.Cause.UPDATED);
        }
      }
      default -> {
        return;   // created, disconnected: nothing cached changes
      }
    }
    String time = text(e, "time");
    if (time != null) {
      lagMillis = Math.max(0, System.currentTimeMillis() - Instant.parse(time).toEpochMilli());
    }
  }

  private static String text(JsonNode e, String field) {
    JsonNode v = e.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  @Override
  public void close() {
    closed = true;
    InputStream in = current;
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    thread.interrupt();
  }
}
