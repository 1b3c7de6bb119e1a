package dev.sessiond.server;

import dev.sessiond.core.SessionEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Consumer;

/**
 * Counts sessions created, revoked (by reason) and expired, and the events this node wrote to
 * the event log by type ({@code sessiond_events_written_total{type=...}}: each change this node
 * made is one entry), from the in-process event stream.
 */
public final class SessionMetrics implements Consumer<SessionEvent> {

  private final MeterRegistry registry;
  private final Counter created;

  public SessionMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.created = Counter.builder("sessiond.sessions.started").description("Sessions created (login or API)").register(registry);
  }

  @Override
  public void accept(SessionEvent event) {
    String type = written(event);
    if (type != null) {
      Counter.builder("sessiond.events.written").description("Entries this node wrote to the event log")
          .tag("type", type).register(registry).increment();
    }
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

  /** The type of the one log entry a published change stands for, or null (connection counts are not logged). */
  static String written(SessionEvent event) {
    if (event instanceof SessionEvent.Created) {
      return "session.created";
    }
    if (event instanceof SessionEvent.Revoked r) {
      return r.reason() == SessionEvent.Reason.EXPIRED ? "session.expired" : "session.revoked";
    }
    if (event instanceof SessionEvent.UserRevoked || event instanceof SessionEvent.AllRevoked) {
      return "session.revoked";
    }
    return event instanceof SessionEvent.Disconnected ? "session.disconnected" : null;
  }

  private void revoked(SessionEvent.Reason reason, int count) {
    String name = reason == SessionEvent.Reason.EXPIRED ? "sessiond.sessions.expired" : "sessiond.sessions.revoked";
    Counter.builder(name).tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
        .register(registry).increment(count);
  }
}
