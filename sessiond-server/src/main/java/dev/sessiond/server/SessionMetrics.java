package dev.sessiond.server;

import dev.sessiond.core.SessionEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Consumer;

/** Counts sessions created, revoked (by reason) and expired, from the event stream. */
public final class SessionMetrics implements Consumer<SessionEvent> {

  private final MeterRegistry registry;
  private final Counter created;

  public SessionMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.created = Counter.builder("sessiond.sessions.started").description("Sessions created (login or API)").register(registry);
  }

  @Override
  public void accept(SessionEvent event) {
    if (event instanceof SessionEvent.Created) {
      created.increment();
    } else if (event instanceof SessionEvent.Revoked r) {
      revoked(r.reason(), 1);
    } else if (event instanceof SessionEvent.UserRevoked u) {
      revoked(u.reason(), u.count());
    } else if (event instanceof SessionEvent.AllRevoked a) {
      revoked(a.reason(), a.count());
    } else if (event instanceof SessionEvent.Disconnected) {
      registry.counter("sessiond.sessions.disconnected").increment();
    }
  }

  private void revoked(SessionEvent.Reason reason, int count) {
    String name = reason == SessionEvent.Reason.EXPIRED ? "sessiond.sessions.expired" : "sessiond.sessions.revoked";
    Counter.builder(name).tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
        .register(registry).increment(count);
  }
}
