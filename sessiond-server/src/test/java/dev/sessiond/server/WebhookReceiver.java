package dev.sessiond.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A real webhook receiver on 127.0.0.1 (the JDK's HTTP server) that checks each request's
 * signature the way the Standard Webhooks specification tells a receiver to (HMAC-SHA256 with the
 * JDK, compared in constant time, timestamp within 5 minutes), and can be told to fail for a while
 * or to hold the requests of one event. It answers many requests at once, as a real one does.
 */
public final class WebhookReceiver implements AutoCloseable {

  public static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  /** A request the receiver acknowledged with 204. */
  public record Delivery(String id, long timestamp, JsonNode event) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final byte[] key;
  private final List<Delivery> accepted = new ArrayList<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicInteger badSignatures = new AtomicInteger();
  private final LinkedHashSet<String> firstAttempts = new LinkedHashSet<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostInFlight = new AtomicInteger();
  private volatile long failUntilNanos;
  private final java.util.concurrent.atomic.AtomicLong failFromNextNanos = new java.util.concurrent.atomic.AtomicLong();
  private volatile String heldId;
  private volatile CountDownLatch held = new CountDownLatch(0);

  private WebhookReceiver(String secret) throws IOException {
    this.key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/hook", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  public static WebhookReceiver start() throws IOException {
    return new WebhookReceiver(SECRET);
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook?token=receiver-secret";
  }

  /**
   * Answers 503 to everything for {@code d} from the next request on, whenever it comes (a busy
   * machine may take a while to send it).
   */
  public void failFromNextFor(Duration d) {
    failFromNextNanos.set(d.toNanos());
  }

  /** Answers 503 to everything for {@code d} from now. */
  public void failFor(Duration d) {
    failUntilNanos = System.nanoTime() + d.toNanos();
  }

  /**
   * Holds every request for event {@code id} (not answering) until {@link #release()}, which
   * answers them 503; later ones are answered as usual.
   */
  public void hold(String id) {
    held = new CountDownLatch(1);
    heldId = id;
  }

  public void release() {
    heldId = null;
    held.countDown();
  }

  private void handle(HttpExchange ex) throws IOException {
    mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    try {
      answer(ex);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void answer(HttpExchange ex) throws IOException {
    long failFor = failFromNextNanos.getAndSet(0);
    if (failFor > 0) {
      failUntilNanos = System.nanoTime() + failFor;
    }
    attempts.incrementAndGet();
    String eventId = ex.getRequestHeaders().getFirst("webhook-id");
    synchronized (firstAttempts) {
      firstAttempts.add(eventId);
    }
    byte[] bodyBytes = ex.getRequestBody().readAllBytes();
    String body = new String(bodyBytes, StandardCharsets.UTF_8);
    int status;
    if (eventId != null && eventId.equals(heldId)) {
      try {
        held.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      status = 503;
    } else if (System.nanoTime() - failUntilNanos < 0) {
      status = 503;
    } else if (!verified(ex, body)) {
      badSignatures.incrementAndGet();
      status = 401;
    } else {
      synchronized (accepted) {
        accepted.add(new Delivery(ex.getRequestHeaders().getFirst("webhook-id"),
            Long.parseLong(ex.getRequestHeaders().getFirst("webhook-timestamp")), JSON.readTree(body)));
      }
      status = 204;
    }
    ex.sendResponseHeaders(status, -1);
    ex.close();
  }

  /** The receiver's side of the specification: sign "id.timestamp.body" and look for it among the v1 signatures. */
  private boolean verified(HttpExchange ex, String body) {
    String id = ex.getRequestHeaders().getFirst("webhook-id");
    String timestamp = ex.getRequestHeaders().getFirst("webhook-timestamp");
    String signatures = ex.getRequestHeaders().getFirst("webhook-signature");
    if (id == null || timestamp == null || signatures == null) {
      return false;
    }
    if (Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp)) > 300) {
      return false;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      for (String sig : signatures.split(" ")) {
        if (sig.startsWith("v1,") && MessageDigest.isEqual(expected, Base64.getDecoder().decode(sig.substring(3)))) {
          return true;
        }
      }
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  public List<Delivery> accepted() {
    synchronized (accepted) {
      return List.copyOf(accepted);
    }
  }

  /** The distinct event IDs acknowledged, in the order each was first acknowledged. */
  public List<String> acceptedIds() {
    return List.copyOf(new LinkedHashSet<>(accepted().stream().map(Delivery::id).toList()));
  }

  /** The distinct event IDs in the order each first arrived, whatever the answer. */
  public List<String> firstAttemptIds() {
    synchronized (firstAttempts) {
      return List.copyOf(firstAttempts);
    }
  }

  /**
   * Checks sessiond's promise on order: every event of {@code log} arrived, and it arrived before
   * any event {@code window} or more places after it in the log (sessiond starts first attempts in
   * log order, at most {@code window} past the oldest unacknowledged event, over several
   * connections, so neighbours may overtake each other on the way).
   */
  public void assertFirstAttemptsInLogOrder(List<String> log, int window) {
    List<String> arrived = firstAttemptIds();
    java.util.Map<String, Integer> at = new java.util.HashMap<>();
    for (int i = 0; i < arrived.size(); i++) {
      at.put(arrived.get(i), i);
    }
    for (int i = 0; i < log.size(); i++) {
      if (!at.containsKey(log.get(i))) {
        throw new AssertionError("event " + log.get(i) + " never arrived; arrived: " + arrived);
      }
      for (int j = i + window; j < log.size(); j++) {
        if (at.get(log.get(j)) < at.get(log.get(i))) {
          throw new AssertionError("event " + log.get(j) + " arrived before event " + log.get(i) + ", " + (j - i)
              + " places earlier in the log; arrived: " + arrived);
        }
      }
    }
  }

  /** The most requests this receiver was answering at the same moment. */
  public int mostInFlight() {
    return mostInFlight.get();
  }

  public int attempts() {
    return attempts.get();
  }

  public int badSignatures() {
    return badSignatures.get();
  }

  /** Waits up to {@code timeout} for the acknowledged deliveries to satisfy {@code done}. */
  public void await(Predicate<WebhookReceiver> done, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(this)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the receiver did not get what was expected in " + timeout + ": "
            + acceptedIds().size() + " distinct event(s) acknowledged, " + attempts() + " attempt(s)");
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    threads.shutdownNow();
  }
}
