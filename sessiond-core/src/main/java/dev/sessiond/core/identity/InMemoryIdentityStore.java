package dev.sessiond.core.identity;

import static java.util.concurrent.CompletableFuture.completedFuture;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/** Provider sessions in memory only: for tests and for running without persistence. Thread-safe. */
public final class InMemoryIdentityStore implements IdentityStore {

  private final Clock clock;
  private final Map<String, ProviderSession> bySession = new HashMap<>();
  private final Map<String, Instant> jtis = new HashMap<>();

  public InMemoryIdentityStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized CompletionStage<Void> link(ProviderSession link) {
    purge();
    bySession.put(link.sessionId(), link);
    return completedFuture(null);
  }

  @Override
  public synchronized CompletionStage<Optional<ProviderSession>> find(String sessionId) {
    ProviderSession found = bySession.get(sessionId);
    return completedFuture(Optional.ofNullable(found).filter(this::live));
  }

  @Override
  public synchronized CompletionStage<List<String>> sessionsOfSid(String provider, String sid) {
    return completedFuture(matching(l -> l.provider().equals(provider) && sid.equals(l.sid())));
  }

  @Override
  public synchronized CompletionStage<List<String>> sessionsOfSub(String provider, String sub) {
    return completedFuture(matching(l -> l.provider().equals(provider) && l.sub().equals(sub)));
  }

  @Override
  public synchronized CompletionStage<Boolean> firstUse(String provider, String jti, Instant expiresAt) {
    purge();
    String key = provider + "\n" + jti;
    if (jtis.containsKey(key)) {
      return completedFuture(false);
    }
    jtis.put(key, expiresAt);
    return completedFuture(true);
  }

  private List<String> matching(Predicate<ProviderSession> which) {
    return bySession.values().stream().filter(this::live).filter(which).map(ProviderSession::sessionId).toList();
  }

  private boolean live(ProviderSession link) {
    return link.expiresAt().isAfter(clock.instant());
  }

  private void purge() {
    Instant now = clock.instant();
    bySession.values().removeIf(l -> !l.expiresAt().isAfter(now));
    jtis.values().removeIf(at -> !at.isAfter(now));
  }
}
