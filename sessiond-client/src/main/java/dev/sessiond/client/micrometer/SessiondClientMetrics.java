package dev.sessiond.client.micrometer;

import dev.sessiond.client.SessiondClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The client's counters as Micrometer meters, for an application that has Micrometer:
 * {@code sessiond.client.hits}, {@code .misses}, {@code .evictions{cause}}, {@code .entries},
 * {@code .feed.lag} (ms), {@code .feed.alive} (1 or 0), {@code .uses.reported}.
 */
public final class SessiondClientMetrics implements MeterBinder {

  private final SessiondClient.Stats stats;

  public SessiondClientMetrics(SessiondClient client) {
    this.stats = client.stats();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("sessiond.client.hits", stats, SessiondClient.Stats::hits)
        .description("Verifies answered from the cache").register(registry);
    FunctionCounter.builder("sessiond.client.misses", stats, SessiondClient.Stats::misses)
        .description("Verifies that asked sessiond").register(registry);
    for (String cause : SessiondClient.Stats.CAUSES) {
      FunctionCounter.builder("sessiond.client.evictions", stats, s -> s.evictions(cause)).tag("cause", cause)
          .description("Entries that left the cache, by cause").register(registry);
    }
    Gauge.builder("sessiond.client.entries", stats, SessiondClient.Stats::size).register(registry);
    Gauge.builder("sessiond.client.feed.lag", stats, SessiondClient.Stats::feedLagMillis).baseUnit("milliseconds")
        .description("How late the last event reached the client").register(registry);
    Gauge.builder("sessiond.client.feed.alive", stats, s -> s.feedAlive() ? 1 : 0)
        .description("1 while the event feed spoke within its bound (the cache is trusted)").register(registry);
    FunctionCounter.builder("sessiond.client.uses.reported", stats, SessiondClient.Stats::usesReported).register(registry);
  }
}
