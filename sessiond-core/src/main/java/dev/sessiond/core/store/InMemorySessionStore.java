package dev.sessiond.core.store;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.events.Reasons;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Sessions and their event log in memory only: for tests and for running without persistence.
 * Each change and its event are made under the index's lock. Thread-safe.
 */
public final class InMemorySessionStore extends IndexedSessionStore {

  private final InMemoryEventLog log = new InMemoryEventLog();

  public InMemorySessionStore(Clock clock) {
    super(clock);
  }

  @Override
  public CompletionStage<Void> create(Session session, Actor actor) {
    synchronized (index) {
      index.put(session);
      log.append(Event.of(Event.Type.SESSION_CREATED, now(), session.id(), session.userId(), null, null, actor));
    }
    return completedFuture(null);
  }

  @Override
  public CompletionStage<Void> touch(Session touched) {
    index.touch(touched);
    return completedFuture(null);
  }

  @Override
  public CompletionStage<Integer> delete(String id, Actor actor, String reason) {
    synchronized (index) {
      Session gone = index.remove(id);
      if (gone == null) {
        return completedFuture(0);
      }
      log.append(Event.of(Event.Type.SESSION_REVOKED, now(), id, gone.userId(), null, reason, actor));
      return completedFuture(1);
    }
  }

  @Override
  public CompletionStage<Integer> deleteByUser(String userId, Actor actor, String reason) {
    synchronized (index) {
      int n = index.removeUser(userId);
      if (n > 0) {
        log.append(Event.of(Event.Type.SESSION_REVOKED, now(), null, userId, n, reason, actor));
      }
      return completedFuture(n);
    }
  }

  @Override
  public CompletionStage<Integer> deleteAll(Actor actor) {
    synchronized (index) {
      int n = index.clear();
      log.append(Event.of(Event.Type.SESSION_REVOKED, now(), null, null, n, Reasons.CLEAR, actor));
      return completedFuture(n);
    }
  }

  @Override
  public CompletionStage<Void> disconnected(String sessionId, String userId, Actor actor) {
    log.append(Event.of(Event.Type.SESSION_DISCONNECTED, now(), sessionId, userId, null, null, actor));
    return completedFuture(null);
  }

  @Override
  public CompletionStage<Integer> updateProfile(String userId, Profile profile, Actor actor) {
    synchronized (index) {
      int n = index.updateProfile(userId, profile);
      if (n > 0) {
        log.append(Event.of(Event.Type.SESSION_UPDATED, now(), null, userId, n, null, actor));
      }
      return completedFuture(n);
    }
  }

  @Override
  public CompletionStage<Void> record(Event event) {
    log.append(event);
    return completedFuture(null);
  }

  @Override
  public CompletionStage<List<Expired>> purgeExpired() {
    synchronized (index) {
      Instant now = now();
      List<Session> expired = index.removeExpired(now);
      for (Session s : expired) {
        log.append(Event.of(Event.Type.SESSION_EXPIRED, now, s.id(), s.userId(), null, null, Actor.SYSTEM));
      }
      return completedFuture(expired.stream().map(Expired::of).toList());
    }
  }

  @Override
  public EventLog log() {
    return log;
  }

  /** Event times are kept to the millisecond, as every store does. */
  private Instant now() {
    return Instant.ofEpochMilli(clock.millis());
  }

  @Override
  public CompletionStage<Void> ping() {
    return completedFuture(null);
  }

  @Override
  public void close() {}
}
