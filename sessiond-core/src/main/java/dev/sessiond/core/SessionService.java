package dev.sessiond.core;

import dev.sessiond.core.SessionEvent.Reason;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Reasons;
import dev.sessiond.core.store.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Creates, verifies, lists and ends sessions. Each change names its {@link Actor} (who asked)
 * and, for an ending, its reason ({@link Reasons}); the store logs both with the change. Every
 * change is also published on {@link Events} in this process after the store acknowledged it
 * (metrics); what reacts across nodes reads the store's log. Thread-safe; never blocks.
 */
public final class SessionService {

  /** Tokens longer than this are not ours; refuse them before hashing. */
  private static final int MAX_TOKEN_LENGTH = 256;
  /** Sessions read at once when walking all of one user's. */
  private static final int PAGE = 1000;
  private static final Logger LOG = Logger.getLogger(SessionService.class.getName());
  private static final CompletionStage<Optional<Session>> NONE = CompletableFuture.completedFuture(Optional.empty());

  private final SessionStore store;
  private final SessionPolicy policy;
  private final Clock clock;
  private final Events events;
  private final long touchGranularityMillis;

  public SessionService(SessionStore store, SessionPolicy policy, Clock clock, Events events) {
    this.store = store;
    this.policy = policy;
    this.clock = clock;
    this.events = events;
    this.touchGranularityMillis = policy.touchGranularity().toMillis();
  }

  /** What a new session needs. {@code ttl} may be null: then the policy's maximum lifetime applies. */
  public record NewSession(String userId, Profile profile, Duration ttl, String ip, String userAgent) {}

  /** A new session and its token, which exists nowhere else and is shown once. */
  public record Issued(Session session, String token) {}

  /** A new session, asked for by {@code actor} (the member itself for a login). */
  public CompletionStage<Issued> create(NewSession request, Actor actor) {
    UserIds.require(request.userId());
    Duration lifetime = policy.maxLifetime();
    if (request.ttl() != null) {
      if (request.ttl().isNegative() || request.ttl().isZero()) {
        throw new SessiondException.Invalid("ttl must be a positive number of seconds");
      }
      lifetime = request.ttl().compareTo(lifetime) < 0 ? request.ttl() : lifetime;
    }
    Instant now = clock.instant();
    String token = store.newToken(request.userId());
    Instant deadline = now.plus(lifetime);
    Session session = new Session(store.newId(request.userId()), request.userId(), Tokens.hash(token),
        request.profile() == null ? Profile.member("") : request.profile(),
        now, now, now.plus(policy.idleTimeout()), deadline, request.ip(), request.userAgent());
    return makeRoom(session.userId())
        .thenCompose(ignored -> store.create(session, actor))
        .thenApply(ignored -> {
          events.publish(new SessionEvent.Created(session));
          return new Issued(session, token);
        });
  }

  /** The live session a token belongs to, slid forward in time; empty for anything else. */
  public CompletionStage<Optional<Session>> verify(String token) {
    String hash = hashOf(token);
    return hash == null ? NONE : verifyHash(hash);
  }

  /**
   * The hash under which a token would be stored ({@link Tokens#hash}), or null for text that
   * cannot be a token (empty, or longer than any of ours: not worth hashing). For callers that
   * compare the hash with another secret's before {@link #verifyHash}, so that a request is hashed once.
   */
  public static String hashOf(String token) {
    return token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH ? null : Tokens.hash(token);
  }

  /** As {@link #verify}, given the token's {@link #hashOf hash}. */
  public CompletionStage<Optional<Session>> verifyHash(String hash) {
    return store.findByTokenHash(hash).thenApply(found -> {
      if (found.isEmpty() || !Tokens.constantTimeEquals(found.get().tokenHash(), hash)) {
        return Optional.<Session>empty();
      }
      return Optional.of(slide(found.get()));
    });
  }

  public CompletionStage<Session> get(String id) {
    return find(id).thenApply(found -> found.orElseThrow(() -> notFound()));
  }

  /** The live session with this ID, if there is one. */
  public CompletionStage<Optional<Session>> find(String id) {
    return store.findById(id);
  }

  public CompletionStage<List<Session>> list(String userId, String after, int limit) {
    return store.list(userId, after, limit);
  }

  public CompletionStage<List<String>> users(String after, int limit) {
    return store.listUsers(after, limit);
  }

  public CompletionStage<SessionStore.Counts> counts() {
    return store.counts();
  }

  /** Ends one session for {@code reason} ({@link Reasons}); NotFound if there is none. */
  public CompletionStage<Void> revoke(String id, Actor actor, String reason) {
    return get(id).thenCompose(session -> store.delete(id, actor, reason).thenAccept(n -> {
      if (n == 0) {
        throw notFound();
      }
      events.publish(new SessionEvent.Revoked(id, session.userId(), Reason.of(reason)));
    }));
  }

  /**
   * Ends one session of {@code userId}: a session of another user is NotFound, exactly like one
   * that does not exist, so that no caller learns another user's session IDs.
   */
  public CompletionStage<Void> revokeOwn(String userId, String id, Actor actor, String reason) {
    return store.findById(id).thenCompose(found -> {
      if (found.isEmpty() || !found.get().userId().equals(userId)) {
        throw notFound();
      }
      return revoke(id, actor, reason);
    });
  }

  /**
   * Ends every session of {@code userId} but {@code keepId}, one at a time (each announced on
   * its own, so each socket learns why); returns how many ended.
   */
  public CompletionStage<Integer> revokeOthers(String userId, String keepId, Actor actor, String reason) {
    UserIds.require(userId);
    return revokeOthersAfter(userId, keepId, actor, reason, null, 0);
  }

  private CompletionStage<Integer> revokeOthersAfter(String userId, String keepId, Actor actor, String reason,
      String after, int ended) {
    return store.list(userId, after, PAGE).thenCompose(page -> {
      CompletionStage<Integer> done = CompletableFuture.completedFuture(ended);
      for (Session s : page) {
        if (s.id().equals(keepId)) {
          continue;
        }
        done = done.thenCompose(n -> store.delete(s.id(), actor, reason).thenApply(deleted -> {
          if (deleted > 0) {
            events.publish(new SessionEvent.Revoked(s.id(), userId, Reason.of(reason)));
          }
          return n + deleted;
        }));
      }
      if (page.size() < PAGE) {
        return done;
      }
      String last = page.get(page.size() - 1).id();
      return done.thenCompose(n -> revokeOthersAfter(userId, keepId, actor, reason, last, n));
    });
  }

  /** Ends every session of one user for {@code reason} ({@link Reasons}); returns how many there were. */
  public CompletionStage<Integer> revokeUser(String userId, Actor actor, String reason) {
    UserIds.require(userId);
    return store.deleteByUser(userId, actor, reason).thenApply(n -> {
      if (n > 0) {
        events.publish(new SessionEvent.UserRevoked(userId, n, Reason.of(reason)));
      }
      return n;
    });
  }

  /** Ends every session; returns how many there were. */
  public CompletionStage<Integer> revokeAll(Actor actor) {
    return store.deleteAll(actor).thenApply(n -> {
      events.publish(new SessionEvent.AllRevoked(n, Reason.CLEARED));
      return n;
    });
  }

  /** Drops a session's live connections on every node; the session stays valid. */
  public CompletionStage<Void> disconnect(String id, Actor actor) {
    return get(id).thenCompose(s -> store.disconnected(s.id(), s.userId(), actor)
        .thenRun(() -> events.publish(new SessionEvent.Disconnected(s.id(), s.userId()))));
  }

  /** Drops the live connections of every session of a user on every node; the sessions stay valid. */
  public CompletionStage<Void> disconnectUser(String userId, Actor actor) {
    UserIds.require(userId);
    return disconnectUserAfter(userId, actor, null);
  }

  private CompletionStage<Void> disconnectUserAfter(String userId, Actor actor, String after) {
    return store.list(userId, after, PAGE).thenCompose(page -> {
      CompletionStage<Void> done = CompletableFuture.completedFuture(null);
      for (Session s : page) {
        done = done.thenCompose(v -> store.disconnected(s.id(), userId, actor)
            .thenRun(() -> events.publish(new SessionEvent.Disconnected(s.id(), userId))));
      }
      return page.size() < PAGE ? done
          : done.thenCompose(v -> disconnectUserAfter(userId, actor, page.get(page.size() - 1).id()));
    });
  }

  /** Counts an open live connection as use of its session, sliding its idle deadline. */
  public void keepAlive(String id) {
    use(id);
  }

  /**
   * Records a use of the session with this ID (a live connection's, or one a verifier served from
   * its cache): its idle deadline slides exactly as a verify would slide it. The session as slid,
   * or empty when it has ended.
   */
  public CompletionStage<Optional<Session>> use(String id) {
    return store.findById(id).thenApply(found -> found.map(this::slide));
  }

  /** Gives every session of a user a new profile (a member's was edited by {@code actor}); logs {@code session.updated}. */
  public CompletionStage<Integer> updateProfile(String userId, Profile profile, Actor actor) {
    return store.updateProfile(userId, profile, actor);
  }

  /** Logs an event that changes no session (an admin's action on a member or a key): see {@link SessionStore#record}. */
  public CompletionStage<Void> record(dev.sessiond.core.events.Event event) {
    return store.record(event);
  }

  /** Removes sessions whose time is up, announcing each; returns how many. */
  public CompletionStage<Integer> purgeExpired() {
    return store.purgeExpired().thenApply(expired -> {
      for (SessionStore.Expired s : expired) {
        events.publish(new SessionEvent.Revoked(s.id(), s.userId(), Reason.EXPIRED));
      }
      return expired.size();
    });
  }

  private Session slide(Session session) {
    long nowMillis = clock.millis();
    if (nowMillis - session.lastSeenAt().toEpochMilli() < touchGranularityMillis) {
      return session;
    }
    Instant now = Instant.ofEpochMilli(nowMillis);
    Session touched = session.touchedAt(now, policy.idleTimeout());
    store.touch(touched).exceptionally(e -> {
      LOG.log(Level.FINE, "could not record use of session " + session.id(), e);
      return null;
    });
    return touched;
  }

  /** Applies the per-user limit before a new session of {@code userId} is added. */
  private CompletionStage<Void> makeRoom(String userId) {
    int max = policy.maxSessionsPerUser();
    if (max == 0) {
      return CompletableFuture.completedFuture(null);
    }
    return store.list(userId, null, max + 1024).thenCompose(existing -> {
      if (existing.size() < max) {
        return CompletableFuture.completedFuture(null);
      }
      if (policy.onLimit() == SessionPolicy.OnLimit.DENY) {
        throw new SessiondException.Forbidden("this user already holds the most sessions allowed (" + max + ")");
      }
      List<Session> oldestFirst = existing.stream()
          .sorted((a, b) -> a.createdAt().compareTo(b.createdAt())).toList();
      CompletionStage<Void> evictions = CompletableFuture.completedFuture(null);
      for (Session victim : oldestFirst.subList(0, existing.size() - max + 1)) {
        evictions = evictions.thenCompose(ignored -> store.delete(victim.id(), Actor.SYSTEM, Reasons.EVICTED).thenAccept(n -> {
          if (n > 0) {
            events.publish(new SessionEvent.Revoked(victim.id(), victim.userId(), Reason.EVICTED));
          }
        }));
      }
      return evictions;
    });
  }

  private static SessiondException.NotFound notFound() {
    return new SessiondException.NotFound("session not found");
  }
}
