package dev.sessiond.core.store;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.EventLog;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where sessions live, and the log of what happened to them. Every change below appends its
 * event ({@code dev.sessiond.core.events.Event}) in the same transaction, script or lock as the
 * change itself, naming {@code actor} (who asked) and {@code reason} (one of
 * {@code Reasons}); a change that changes nothing (deleting what is gone) appends nothing.
 * Every backend passes {@code SessionStoreContract}.
 *
 * <p>Promises: a stage completes only once its change is durable (for stores that persist),
 * except {@link #touch}, which may be coalesced. A session whose {@code expiresAt} has passed
 * by the store's clock is absent from every read. Deleting what is gone reports 0. Failures
 * complete the stage with {@code SessiondException.StoreUnavailable}.
 */
public interface SessionStore extends AutoCloseable {

  /** The log this store appends to with every change; the same instance on every call. */
  EventLog log();

  /**
   * A new session's token for {@code userId}. A session given to {@link #create} must carry the
   * hash of a token and an ID drawn here: a store that places sessions by their token hash and ID
   * (the Redis store's shards on a Cluster) draws them so that both name the user's place.
   */
  default String newToken(String userId) {
    return dev.sessiond.core.Tokens.newToken();
  }

  /** A new session's ID for {@code userId}; see {@link #newToken}. */
  default String newId(String userId) {
    return dev.sessiond.core.Tokens.newId();
  }

  /** Adds the session (its token and ID drawn by {@link #newToken} and {@link #newId}); logs {@code session.created}. */
  CompletionStage<Void> create(Session session, Actor actor);

  CompletionStage<Optional<Session>> findByTokenHash(String tokenHash);

  CompletionStage<Optional<Session>> findById(String id);

  /**
   * Records use: {@code touched} is a live session with its new lastSeenAt and expiresAt (see
   * {@link Session#touchedAt}); nothing else of it is taken. Not necessarily durable at once.
   */
  CompletionStage<Void> touch(Session touched);

  /** Ends one session; logs {@code session.revoked} with the session and user when there was one. */
  CompletionStage<Integer> delete(String id, Actor actor, String reason);

  /** Ends a user's sessions; logs one {@code session.revoked} with the user and count when there were any. */
  CompletionStage<Integer> deleteByUser(String userId, Actor actor, String reason);

  /** Ends every session in O(1); always logs one {@code session.revoked} (reason clear) with the count. */
  CompletionStage<Integer> deleteAll(Actor actor);

  /** Logs {@code session.disconnected}: an admin dropped the session's live connections (nothing else changes). */
  CompletionStage<Void> disconnected(String sessionId, String userId, Actor actor);

  /**
   * A page of live sessions in ID order, after the ID {@code after} (null from the start),
   * only of {@code userId} when it is not null. The cost depends on the page, not the total.
   */
  CompletionStage<List<Session>> list(String userId, String after, int limit);

  /** A page of the distinct user IDs holding a live session, in order, after {@code after}. */
  CompletionStage<List<String>> listUsers(String after, int limit);

  /**
   * Replaces the profile of every session of {@code userId}; returns how many. Logs one
   * {@code session.updated} with the user and count when there were any (caches of those
   * sessions, the Java client's, are stale from it on).
   */
  CompletionStage<Integer> updateProfile(String userId, Profile profile, Actor actor);

  /**
   * Appends {@code event}, which changes no session (an admin's action on a member or an API
   * key: {@code member.*}, {@code key.*}), to the log, for the audit trail and for every node's
   * follower. It is written after the change it describes, not with it.
   */
  CompletionStage<Void> record(dev.sessiond.core.events.Event event);

  CompletionStage<Counts> counts();

  /**
   * Removes what is left of sessions whose time is up and names them, each once across every
   * node sharing the store (so that each expiry is announced once); logs one
   * {@code session.expired} for each, by the system.
   */
  CompletionStage<List<Expired>> purgeExpired();

  /** Completes normally when the store answers. */
  CompletionStage<Void> ping();

  @Override
  void close();

  /** A session that expired. */
  record Expired(String id, String userId) {
    public static Expired of(Session s) {
      return new Expired(s.id(), s.userId());
    }
  }

  /** How many live sessions, and how many distinct users hold them. */
  record Counts(long sessions, long users) {}
}
