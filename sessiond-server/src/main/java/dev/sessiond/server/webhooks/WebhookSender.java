package dev.sessiond.server.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sessiond.core.events.Event;
import dev.sessiond.server.http.Json;
import dev.sessiond.server.wire.EventData;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * POSTs one event to one URL as the Standard Webhooks specification says: the event's JSON as the
 * body, {@code webhook-id} (the event's {@link dev.sessiond.core.events.EventLog#key key}, the
 * same on every attempt, for the receiver to drop repeats), {@code webhook-timestamp} (this attempt, in Unix seconds) and
 * {@code webhook-signature}. Vert.x's HTTP/1.1 client sends it on an event loop, over at most
 * {@link Webhooks#WINDOW} kept-alive connections per receiver; the answer's status completes the
 * stage, its body is dropped. Redirects are not followed; https uses the JVM's trusted
 * certificates and checks the host name. Thread-safe.
 */
final class WebhookSender implements AutoCloseable {

  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final HttpClient client;
  private final WebhookSigner signer;

  WebhookSender(WebhookSigner signer, Vertx vertx) {
    this.signer = signer;
    this.client = vertx.createHttpClient(
        new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true).setVerifyHost(true)
            .setName("sessiond-webhooks"),
        new PoolOptions().setHttp1MaxSize(Webhooks.WINDOW));
  }

  CompletionStage<Integer> post(WebhookTarget target, Event event, String key, long timestamp) {
    String body;
    try {
      body = Json.MAPPER.writeValueAsString(EventData.of(event));
    } catch (JsonProcessingException e) {
      return CompletableFuture.failedFuture(e);
    }
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(target.uri().toString())
        .setFollowRedirects(false).setTimeout(TIMEOUT.toMillis())
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", "sessiond-webhooks")
        .putHeader("webhook-id", key)
        .putHeader("webhook-timestamp", Long.toString(timestamp))
        .putHeader("webhook-signature", signer.sign(key, timestamp, body));
    return client.request(request)
        .compose(r -> r.send(Buffer.buffer(body)))
        .compose(response -> response.end().map(done -> response.statusCode()))
        .toCompletionStage();
  }

  @Override
  public void close() {
    client.close();
  }
}
