package dev.sessiond.core.store;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.sessiond.core.SessionEvent.ConnectionsChanged;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** Presence in this process, for tests of what uses it (one node needs none: {@link PresenceStore#NONE}). Thread-safe. */
public final class InMemoryPresenceStore implements PresenceStore {

  private final Clock clock;
  private final Map<String, Map<String, ConnectionsChanged>> byNode = new HashMap<>();
  private final Map<String, Instant> until = new HashMap<>();

  public InMemoryPresenceStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized CompletionStage<Void> put(ConnectionsChanged state, Duration ttl) {
    Map<String, ConnectionsChanged> entries = byNode.computeIfAbsent(state.node(), n -> new HashMap<>());
    if (state.connected() || state.connections() > 0) {
      entries.put(state.sessionId(), state);
    } else {
      entries.remove(state.sessionId());
    }
    return refresh(state.node(), ttl);
  }

  @Override
  public synchronized CompletionStage<Void> remove(String node, String sessionId) {
    Map<String, ConnectionsChanged> entries = byNode.get(node);
    if (entries != null) {
      entries.remove(sessionId);
    }
    return completedFuture(null);
  }

  @Override
  public synchronized CompletionStage<Void> refresh(String node, Duration ttl) {
    until.put(node, clock.instant().plus(ttl));
    return completedFuture(null);
  }

  @Override
  public synchronized CompletionStage<List<ConnectionsChanged>> live() {
    Instant now = clock.instant();
    List<ConnectionsChanged> out = new ArrayList<>();
    byNode.forEach((node, entries) -> {
      Instant end = until.get(node);
      if (end != null && end.isAfter(now)) {
        out.addAll(entries.values());
      }
    });
    return completedFuture(out);
  }
}
