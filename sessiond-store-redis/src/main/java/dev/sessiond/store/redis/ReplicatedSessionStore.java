package dev.sessiond.store.redis;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.store.SessionStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A Redis session store whose creations and revocations complete only once the replicas hold
 * them ({@link Replication}), so that a failover to any of them keeps every acknowledged session
 * and every acknowledged revocation. Verification on the other connection neither waits behind
 * a WAIT nor stops when replicas lag. Everything else (verify, touch, lists, counts, purge) goes
 * to {@code reads}, unchanged. Thread-safe.
 */
public final class ReplicatedSessionStore implements SessionStore {

  private final SessionStore reads;
  private final SessionStore changes;
  private final Replication replication;

  /** {@code changes} must be a store on the replication's connection, and that connection only its. */
  public ReplicatedSessionStore(SessionStore reads, SessionStore changes, Replication replication) {
    this.reads = reads;
    this.changes = changes;
    this.replication = replication;
  }

  private <T> CompletionStage<T> replicated(String what, CompletionStage<T> change) {
    return replication.after(what, change);
  }

  @Override
  public String newToken(String userId) {
    return changes.newToken(userId);
  }

  @Override
  public String newId(String userId) {
    return changes.newId(userId);
  }

  @Override
  public CompletionStage<Void> create(Session session, Actor actor) {
    return replicated("a new session", changes.create(session, actor));
  }

  @Override
  public CompletionStage<Integer> delete(String id, Actor actor, String reason) {
    return replicated("a revocation", changes.delete(id, actor, reason));
  }

  @Override
  public CompletionStage<Integer> deleteByUser(String userId, Actor actor, String reason) {
    return replicated("a revocation", changes.deleteByUser(userId, actor, reason));
  }

  @Override
  public CompletionStage<Integer> deleteAll(Actor actor) {
    return replicated("a clear", changes.deleteAll(actor));
  }

  @Override
  public CompletionStage<Void> disconnected(String sessionId, String userId, Actor actor) {
    return replicated("a disconnect", changes.disconnected(sessionId, userId, actor));
  }

  @Override
  public EventLog log() {
    return reads.log();
  }

  @Override
  public CompletionStage<Optional<Session>> findByTokenHash(String tokenHash) {
    return reads.findByTokenHash(tokenHash);
  }

  @Override
  public CompletionStage<Optional<Session>> findById(String id) {
    return reads.findById(id);
  }

  @Override
  public CompletionStage<Void> touch(Session touched) {
    return reads.touch(touched);
  }

  @Override
  public CompletionStage<List<Session>> list(String userId, String after, int limit) {
    return reads.list(userId, after, limit);
  }

  @Override
  public CompletionStage<List<String>> listUsers(String after, int limit) {
    return reads.listUsers(after, limit);
  }

  @Override
  public CompletionStage<Integer> updateProfile(String userId, Profile profile, Actor actor) {
    return replicated("a profile change", changes.updateProfile(userId, profile, actor));
  }

  @Override
  public CompletionStage<Void> record(dev.sessiond.core.events.Event event) {
    return replicated("an audit entry", changes.record(event));
  }

  @Override
  public CompletionStage<Counts> counts() {
    return reads.counts();
  }

  @Override
  public CompletionStage<List<Expired>> purgeExpired() {
    return reads.purgeExpired();
  }

  @Override
  public CompletionStage<Void> ping() {
    return reads.ping();
  }

  /** Closes the stores; the connections are their owner's to close. */
  @Override
  public void close() {
    reads.close();
    changes.close();
  }
}
