package dev.sessiond.core.store;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where sessions live. Every backend passes {@code SessionStoreContract}.
 *
 * <p>Promises: a stage completes only once its change is durable (for stores that persist),
 * except {@link #touch}, which may be coalesced. A session whose {@code expiresAt} has passed
 * by the store's clock is absent from every read. Deleting what is gone reports 0. Failures
 * complete the stage with {@code SessiondException.StoreUnavailable}.
 */
public interface SessionStore extends AutoCloseable {

  CompletionStage<Void> create(Session session);

  CompletionStage<Optional<Session>> findByTokenHash(String tokenHash);

  CompletionStage<Optional<Session>> findById(String id);

  /**
   * Records use: {@code touched} is a live session with its new lastSeenAt and expiresAt (see
   * {@link Session#touchedAt}); nothing else of it is taken. Not necessarily durable at once.
   */
  CompletionStage<Void> touch(Session touched);

  CompletionStage<Integer> delete(String id);

  CompletionStage<Integer> deleteByUser(String userId);

  CompletionStage<Integer> deleteAll();

  /**
   * A page of live sessions in ID order, after the ID {@code after} (null from the start),
   * only of {@code userId} when it is not null. The cost depends on the page, not the total.
   */
  CompletionStage<List<Session>> list(String userId, String after, int limit);

  /** A page of the distinct user IDs holding a live session, in order, after {@code after}. */
  CompletionStage<List<String>> listUsers(String after, int limit);

  /** Replaces the profile of every session of {@code userId}; returns how many. */
  CompletionStage<Integer> updateProfile(String userId, Profile profile);

  CompletionStage<Counts> counts();

  /**
   * Removes what is left of sessions whose time is up and names them, each once across every
   * node sharing the store (so that each expiry is announced once).
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
