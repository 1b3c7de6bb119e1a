package dev.sessiond.server.webhooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * {@code sessiond_webhook_deliveries_total{outcome}}: attempts that were delivered (2xx),
 * rejected (another status) or failed (no answer: refused, timed out); and
 * {@code sessiond_webhook_delivery_lag_seconds}: from an event's time to its acknowledgement.
 */
final class WebhookMetrics {

  private final Counter delivered;
  private final Counter rejected;
  private final Counter failed;
  private final Timer lag;

  WebhookMetrics(MeterRegistry registry) {
    String name = "sessiond.webhook.deliveries";
    String help = "Webhook delivery attempts by outcome";
    delivered = Counter.builder(name).description(help).tag("outcome", "delivered").register(registry);
    rejected = Counter.builder(name).description(help).tag("outcome", "rejected").register(registry);
    failed = Counter.builder(name).description(help).tag("outcome", "failed").register(registry);
    lag = Timer.builder("sessiond.webhook.delivery.lag")
        .description("From an event's time to the receiver's acknowledgement of it")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofHours(1))
        .register(registry);
  }

  void delivered(Duration sinceEvent) {
    delivered.increment();
    lag.record(sinceEvent.isNegative() ? Duration.ZERO : sinceEvent);
  }

  void rejected() {
    rejected.increment();
  }

  void failed() {
    failed.increment();
  }
}
