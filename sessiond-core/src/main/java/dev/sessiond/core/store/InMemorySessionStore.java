package dev.sessiond.core.store;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Sessions in memory only: for tests and for running without persistence. Thread-safe. */
public final class InMemorySessionStore implements SessionStore {

  private final SessionIndex index = new SessionIndex();
  private final Clock clock;

  public InMemorySessionStore(Clock clock) {
    this.clock = clock;
  }

  @Override
  public CompletionStage<Void> create(Session session) {
    index.put(session);
    return completedFuture(null);
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
  public CompletionStage<Void> touch(Session touched) {
    index.touch(touched);
    return completedFuture(null);
  }

  @Override
  public CompletionStage<Integer> delete(String id) {
    return completedFuture(index.remove(id) == null ? 0 : 1);
  }

  @Override
  public CompletionStage<Integer> deleteByUser(String userId) {
    return completedFuture(index.removeUser(userId).size());
  }

  @Override
  public CompletionStage<Integer> deleteAll() {
    return completedFuture(index.clear());
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
  public CompletionStage<Integer> updateProfile(String userId, Profile profile) {
    return completedFuture(index.updateProfile(userId, profile));
  }

  @Override
  public CompletionStage<Counts> counts() {
    return completedFuture(index.counts());
  }

  @Override
  public CompletionStage<List<Expired>> purgeExpired() {
    return completedFuture(index.removeExpired(clock.instant()).stream().map(Expired::of).toList());
  }

  @Override
  public CompletionStage<Void> ping() {
    return completedFuture(null);
  }

  @Override
  public void close() {}
}
