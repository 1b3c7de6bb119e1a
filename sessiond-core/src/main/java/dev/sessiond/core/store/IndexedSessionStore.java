package dev.sessiond.core.store;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.sessiond.core.Session;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The reads of a store that keeps every session in a {@link SessionIndex} in memory: each
 * answers at once, from this thread. Subclasses decide how writes reach the index.
 */
public abstract class IndexedSessionStore implements SessionStore {

  protected final SessionIndex index;
  protected final Clock clock;

  protected IndexedSessionStore(Clock clock) {
    this(clock, 16);
  }

  protected IndexedSessionStore(Clock clock, int expectedSessions) {
    this.clock = clock;
    this.index = new SessionIndex(expectedSessions);
  }

  @Override
  public CompletionStage<Optional<Session>> findByTokenHash(String tokenHash) {
    return completedFuture(Optional.ofNullable(index.byToken(tokenHash, clock.instant())));
  }

  @Override
  public CompletionStage<Optional<Session>> findById(String id) {
    return completedFuture(Optional.ofNullable(index.byId(id, clock.instant())));
  }

  @Override
  public CompletionStage<List<Session>> list(String userId, String after, int limit) {
    return completedFuture(index.page(userId, after, limit, clock.instant()));
  }

  @Override
  public CompletionStage<List<String>> listUsers(String after, int limit) {
    return completedFuture(index.users(after, limit, clock.instant()));
  }

  @Override
  public CompletionStage<Counts> counts() {
    return completedFuture(index.counts());
  }
}
