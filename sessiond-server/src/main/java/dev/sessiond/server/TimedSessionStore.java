package dev.sessiond.server;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.store.SessionStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Times every call into a SessionStore, as {@code sessiond_store_seconds{op=...}}. */
final class TimedSessionStore implements SessionStore {

  private final SessionStore store;
  private final MeterRegistry registry;

  TimedSessionStore(SessionStore store, MeterRegistry registry) {
    this.store = store;
    this.registry = registry;
  }

  private final java.util.Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

  private <T> CompletionStage<T> time(String op, Supplier<CompletionStage<T>> call) {
    Timer timer = timers.get(op);
    if (timer == null) {
      timer = timers.computeIfAbsent(op,
          o -> Timer.builder("sessiond.store").description("Session store latency").tag("op", o).register(registry));
    }
    long start = System.nanoTime();
    CompletionStage<T> stage = call.get();
    if (stage instanceof java.util.concurrent.CompletableFuture<T> done && done.isDone()) {
      timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
      return stage;
    }
    Timer t = timer;
    return stage.whenComplete((v, e) -> t.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS));
  }

  @Override
  public String newToken(String userId) {
    return store.newToken(userId);
  }

  @Override
  public String newId(String userId) {
    return store.newId(userId);
  }

  @Override
  public CompletionStage<Void> create(Session session, Actor actor) {
    return time("create", () -> store.create(session, actor));
  }

  @Override
  public CompletionStage<Optional<Session>> findByTokenHash(String tokenHash) {
    return time("find_by_token", () -> store.findByTokenHash(tokenHash));
  }

  @Override
  public CompletionStage<Optional<Session>> findById(String id) {
    return time("find_by_id", () -> store.findById(id));
  }

  @Override
  public CompletionStage<Void> touch(Session touched) {
    return time("touch", () -> store.touch(touched));
  }

  @Override
  public CompletionStage<Integer> delete(String id, Actor actor, String reason) {
    return time("delete", () -> store.delete(id, actor, reason));
  }

  @Override
  public CompletionStage<Integer> deleteByUser(String userId, Actor actor, String reason) {
    return time("delete_by_user", () -> store.deleteByUser(userId, actor, reason));
  }

  @Override
  public CompletionStage<Integer> deleteAll(Actor actor) {
    return time("delete_all", () -> store.deleteAll(actor));
  }

  @Override
  public CompletionStage<Void> disconnected(String sessionId, String userId, Actor actor) {
    return time("disconnected", () -> store.disconnected(sessionId, userId, actor));
  }

  @Override
  public EventLog log() {
    return store.log();
  }

  @Override
  public CompletionStage<List<Session>> list(String userId, String after, int limit) {
    return time("list", () -> store.list(userId, after, limit));
  }

  @Override
  public CompletionStage<List<String>> listUsers(String after, int limit) {
    return time("list_users", () -> store.listUsers(after, limit));
  }

  @Override
  public CompletionStage<Integer> updateProfile(String userId, Profile profile, Actor actor) {
    return time("update_profile", () -> store.updateProfile(userId, profile, actor));
  }

  @Override
  public CompletionStage<Void> record(dev.sessiond.core.events.Event event) {
    return time("record", () -> store.record(event));
  }

  @Override
  public CompletionStage<Counts> counts() {
    return time("counts", store::counts);
  }

  @Override
  public CompletionStage<List<Expired>> purgeExpired() {
    return time("purge_expired", store::purgeExpired);
  }

  @Override
  public CompletionStage<Void> ping() {
    return time("ping", store::ping);
  }

  @Override
  public void close() {
    store.close();
  }
}
