package dev.sessiond.server.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sessiond.core.events.Event;
import dev.sessiond.server.http.Json;
import dev.sessiond.server.wire.EventData;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * POSTs one event to one URL as the Standard Webhooks specification says: the event's JSON as the
 * body, {@code webhook-id} (the event's ID, the same on every attempt, for the receiver to drop
 * repeats), {@code webhook-timestamp} (this attempt, in Unix seconds) and
 * {@code webhook-signature}. The JDK's asynchronous HTTP client sends it; the answer's status
 * completes the stage, its body is dropped. Redirects are not followed. Thread-safe.
 */
final class WebhookSender {

  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final HttpClient client;
  private final WebhookSigner signer;

  WebhookSender(WebhookSigner signer, Executor executor) {
    this.signer = signer;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER).executor(executor).build();
  }

  CompletionStage<Integer> post(WebhookTarget target, Event event, long timestamp) {
    String body;
    try {
      body = Json.MAPPER.writeValueAsString(EventData.of(event));
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(e);
    }
    HttpRequest request = HttpRequest.newBuilder(target.uri()).timeout(TIMEOUT)
        .header("Content-Type", "application/json")
        .header("User-Agent", "sessiond-webhooks")
        .header("webhook-id", event.id())
        .header("webhook-timestamp", Long.toString(timestamp))
        .header("webhook-signature", signer.sign(event.id(), timestamp, body))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
  }
}
