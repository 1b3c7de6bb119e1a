package dev.sessiond.core.store;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Sessions in memory only: for tests and for running without persistence. Thread-safe. */
public final class InMemorySessionStore extends IndexedSessionStore {

  public InMemorySessionStore(Clock clock) {
    super(clock);
  }

  @Override
  public CompletionStage<Void> create(Session session) {
    index.put(session);
    return completedFuture(null);
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
  public CompletionStage<Integer> updateProfile(String userId, Profile profile) {
    return completedFuture(index.updateProfile(userId, profile));
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
