package dev.sessiond.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code webhook-lag <sessiond port> <api token> <receiver port> <events/s> <seconds>}: receives
 * sessiond's webhooks on 127.0.0.1:<receiver port> and, meanwhile, creates sessions at a steady
 * rate (open loop, at most 256 in flight); the lag of an event is the time from its {@code time}
 * (when it was written) to its arrival. Prints
 * {@code created=N delivered=N rate=R p50_ms= p99_ms= max_ms= create_p99_ms=} on one line; the
 * last is the creations' own p99 (request to answer), which the lag includes: an event is sent
 * only once its change is committed.
 */
final class WebhookLagBench {

  private WebhookLagBench() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String token = args[1];
    int receiverPort = Integer.parseInt(args[2]);
    int rate = Integer.parseInt(args[3]);
    int seconds = Integer.parseInt(args[4]);
    ObjectMapper json = new ObjectMapper();
    ConcurrentLinkedQueue<Long> lagsMicros = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> createMicros = new ConcurrentLinkedQueue<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", receiverPort), 256);
    receiver.setExecutor(Executors.newFixedThreadPool(2));
    receiver.createContext("/hook", ex -> {
      Instant now = Instant.now();
      JsonNode e = json.readTree(ex.getRequestBody());
      if ("session.created".equals(e.path("type").asText()) && e.path("user_id").asText().startsWith("lag-")) {
        lagsMicros.add(Duration.between(Instant.parse(e.get("time").asText()), now).toNanos() / 1000);
      }
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    receiver.start();

    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI create = URI.create("http://127.0.0.1:" + port + "/api/sessions");
    Semaphore inFlight = new Semaphore(256);
    AtomicInteger created = new AtomicInteger();
    long start = System.nanoTime();
    long total = (long) rate * seconds;
    for (long i = 0; i < total; i++) {
      long due = start + i * 1_000_000_000L / rate;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      inFlight.acquire();
      HttpRequest request = HttpRequest.newBuilder(create).header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"user_id\":\"lag-" + (i % 1000) + "\"}")).build();
      long sent = System.nanoTime();
      client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
        inFlight.release();
        if (e == null && r.statusCode() == 201) {
          createMicros.add((System.nanoTime() - sent) / 1000);
          created.incrementAndGet();
        }
      });
    }
    inFlight.acquire(256);
    double achieved = created.get() / ((System.nanoTime() - start) / 1e9);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (lagsMicros.size() < created.get() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    receiver.stop(0);
    long[] lags = lagsMicros.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] creates = createMicros.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf("created=%d delivered=%d rate=%.0f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f create_p99_ms=%.1f%n",
        created.get(), lags.length, achieved, pct(lags, 0.50), pct(lags, 0.99),
        lags.length == 0 ? 0 : lags[lags.length - 1] / 1000.0, pct(creates, 0.99));
    System.exit(0);
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1000.0;
  }
}
