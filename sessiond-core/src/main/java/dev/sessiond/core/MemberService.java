package dev.sessiond.core;

import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.ProfileChanges;
import dev.sessiond.core.events.Reasons;
import dev.sessiond.core.store.MemberStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Members: people who log in with a password. Deleting a member or changing its password
 * ends its sessions; editing its profile changes theirs. A member's user ID is its member ID.
 */
public final class MemberService {

  public static final int MAX_USERNAME_LENGTH = 64;
  public static final int MAX_PASSWORD_LENGTH = 1024;

  private final MemberStore store;
  private final SessionService sessions;
  private final PasswordHasher hasher;
  private final Clock clock;

  public MemberService(MemberStore store, SessionService sessions, PasswordHasher hasher, Clock clock) {
    this.store = store;
    this.sessions = sessions;
    this.hasher = hasher;
    this.clock = clock;
  }

  /**
   * A new member, made by {@code actor}; logged as {@code member.created} with what its profile
   * changes from a new member's defaults (an admin right, say).
   */
  public CompletionStage<Member> create(String username, String password, Profile profile, Actor actor) {
    requireUsername(username);
    requirePassword(password);
    Profile p = profile == null ? Profile.member(username) : profile;
    return hasher.hash(password).thenCompose(hash -> {
      Member member = new Member(Tokens.newId(), username, hash, p, clock.instant());
      return store.create(member)
          .thenCompose(ignored -> audit(Event.Type.MEMBER_CREATED, member.id(),
              ProfileChanges.between(Profile.member(username), p), actor))
          .thenApply(ignored -> member);
    });
  }

  /** Logs an admin's action on a member for the audit trail ({@code detail}: what changed, or null). */
  private CompletionStage<Void> audit(Event.Type type, String memberId, String detail, Actor actor) {
    return sessions.record(Event.of(type, clock.instant(), null, memberId, null,
        detail == null || detail.isEmpty() ? null : detail, actor));
  }

  public CompletionStage<Member> get(String id) {
    return store.findById(id).thenApply(m -> m.orElseThrow(MemberService::notFound));
  }

  /**
   * The member with this ID or, when there is none, the member holding the live session with
   * this ID: neko's panel addresses a member by its session's ID (in neko they are the same).
   * Both are random 24-hex IDs (64 random bits each): one never stands for the other in practice.
   */
  public CompletionStage<Member> getByIdOrSession(String id) {
    return store.findById(id).thenCompose(found -> found.isPresent()
        ? CompletableFuture.completedFuture(found.get())
        : sessions.find(id).thenCompose(session -> session.isPresent()
            ? get(session.get().userId())
            : CompletableFuture.failedFuture(notFound())));
  }

  public CompletionStage<Optional<Member>> findById(String id) {
    return store.findById(id);
  }

  public CompletionStage<Optional<Member>> findByUsername(String username) {
    return store.findByUsername(username);
  }

  public CompletionStage<List<Member>> list(int offset, int limit) {
    return store.list(offset, limit);
  }

  public CompletionStage<Long> count() {
    return store.count();
  }

  /**
   * Gives the member a new profile, on its live sessions too, and makes a right it lost reach
   * what is already open, on every node (each step is a logged change that every node's follower
   * applies): {@code can_login} taken away ends every session of the member (reason
   * {@code login_revoked}); {@code is_admin} or {@code can_connect} taken away drops its live
   * connections ({@code session.disconnected}, each session kept), so a socket opened with the
   * old rights cannot go on with them: it reconnects with the new ones, or is refused.
   */
  public CompletionStage<Void> updateProfile(String id, Profile profile, Actor actor) {
    return get(id).thenCompose(m -> store.update(m.withProfile(profile))
        .thenCompose(n -> sessions.updateProfile(id, profile, actor))
        .thenCompose(n -> {
          String changes = ProfileChanges.between(m.profile(), profile);
          return changes.isEmpty() ? CompletableFuture.completedFuture(null)
              : audit(Event.Type.MEMBER_UPDATED, id, changes, actor);
        })
        .thenCompose(n -> {
          Profile was = m.profile();
          if (was.canLogin() && !profile.canLogin()) {
            return sessions.revokeUser(id, actor, Reasons.LOGIN_REVOKED).thenAccept(ended -> {});
          }
          if ((was.isAdmin() && !profile.isAdmin()) || (was.canConnect() && !profile.canConnect())) {
            return sessions.disconnectUser(id, actor);
          }
          return CompletableFuture.completedFuture(null);
        }));
  }

  /**
   * The profile of a session a trusted backend asks for ({@code POST /api/sessions}) for
   * {@code userId}, which names a member or the backend's own user (one namespace of strings:
   * member IDs are drawn here, every other ID is the backend's). A member's session is the
   * member's: only a caller with the admin right may open one, and it carries the member's own
   * profile ({@code requested} must be null). For any other user, an admin profile needs the
   * admin right too. So a caller without it (a narrower key) can neither act as a member (its
   * {@code /api/me}, forward auth's {@code Remote-User}) nor mint an admin.
   */
  public CompletionStage<Profile> profileForSession(String userId, Profile requested, boolean adminRight) {
    return store.findById(userId).thenApply(member -> {
      if (member.isPresent()) {
        if (!adminRight) {
          throw new SessiondException.Forbidden("only a caller with the admin right may open a member's session");
        }
        if (requested != null) {
          throw new SessiondException.Invalid("user_id names a member: its session takes the member's own profile; "
              + "send no profile (change the member's with POST /api/members/{id})");
        }
        return member.get().profile();
      }
      Profile profile = requested == null ? Profile.member(userId) : requested;
      if (profile.isAdmin() && !adminRight) {
        throw new SessiondException.Forbidden("only a caller with the admin right may open a session with is_admin");
      }
      return profile;
    });
  }

  /** Sets a new password and ends every session of the member ({@code actor} asked). */
  public CompletionStage<Void> setPassword(String id, String password, Actor actor) {
    requirePassword(password);
    return get(id).thenCompose(m -> hasher.hash(password).thenCompose(h -> store.update(m.withPasswordHash(h))))
        .thenCompose(n -> audit(Event.Type.MEMBER_PASSWORD_RESET, id, null, actor))
        .thenCompose(n -> sessions.revokeUser(id, actor, Reasons.PASSWORD_CHANGED))
        .thenAccept(n -> {});
  }

  /**
   * The member changed its own password from session {@code keepSessionId}: sets it and ends
   * every other session of the member, keeping that one; returns how many ended. The caller
   * has checked the current password.
   */
  public CompletionStage<Integer> changeOwnPassword(String id, String password, String keepSessionId) {
    requirePassword(password);
    return get(id).thenCompose(m -> hasher.hash(password).thenCompose(h -> store.update(m.withPasswordHash(h))))
        .thenCompose(n -> sessions.revokeOthers(id, keepSessionId, Actor.session(id, keepSessionId),
            Reasons.PASSWORD_CHANGED_ELSEWHERE));
  }

  /** Removes the member and ends its sessions ({@code actor} asked). */
  public CompletionStage<Void> delete(String id, Actor actor) {
    return store.delete(id).thenCompose(n -> {
      if (n == 0) {
        throw notFound();
      }
      return audit(Event.Type.MEMBER_DELETED, id, null, actor);
    }).thenCompose(v -> sessions.revokeUser(id, actor, Reasons.MEMBER_DELETED)).thenAccept(n -> {});
  }

  /**
   * Makes sure an admin named {@code username} exists at start-up. With a password: creates it,
   * or sets its password if it differs (an unchanged one changes nothing). Without one: creates
   * it with a generated password only when there is no member at all, and returns that password.
   * Idempotent across nodes sharing a store and starting at once: a node that loses the race to
   * create the admin takes the winner's (and returns no password).
   */
  public CompletionStage<Optional<String>> bootstrapAdmin(String username, String password) {
    return ensureAdmin(username, password).exceptionallyCompose(e -> {
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof SessiondException.Conflict) {
        return ensureAdmin(username, password);
      }
      return CompletableFuture.failedFuture(cause);
    });
  }

  private CompletionStage<Optional<String>> ensureAdmin(String username, String password) {
    return store.findByUsername(username).thenCompose(existing -> {
      if (password != null) {
        if (existing.isEmpty()) {
          return create(username, password, Profile.admin(username), Actor.SYSTEM).thenApply(m -> Optional.empty());
        }
        Member m = existing.get();
        return hasher.verify(password, m.passwordHash()).thenCompose(same -> same
            ? CompletableFuture.completedFuture(Optional.<String>empty())
            : setPassword(m.id(), password, Actor.SYSTEM).thenApply(v -> Optional.<String>empty()));
      }
      if (existing.isPresent()) {
        return CompletableFuture.completedFuture(Optional.<String>empty());
      }
      return store.count().thenCompose(count -> {
        if (count > 0) {
          return CompletableFuture.completedFuture(Optional.<String>empty());
        }
        String generated = Tokens.newToken().substring(0, 24);
        return create(username, generated, Profile.admin(username), Actor.SYSTEM).thenApply(m -> Optional.of(generated));
      });
    });
  }

  private static void requireUsername(String username) {
    if (username == null || username.isBlank()) {
      throw new SessiondException.Invalid("username is required");
    }
    if (username.length() > MAX_USERNAME_LENGTH) {
      throw new SessiondException.Invalid("username is longer than " + MAX_USERNAME_LENGTH + " characters");
    }
    if (!username.strip().equals(username) || username.chars().anyMatch(Character::isISOControl)) {
      throw new SessiondException.Invalid("username may not start or end with spaces or hold control characters");
    }
  }

  private static void requirePassword(String password) {
    if (password == null || password.isEmpty()) {
      throw new SessiondException.Invalid("password is required");
    }
    if (password.length() > MAX_PASSWORD_LENGTH) {
      throw new SessiondException.Invalid("password is longer than " + MAX_PASSWORD_LENGTH + " characters");
    }
  }

  private static SessiondException.NotFound notFound() {
    return new SessiondException.NotFound("member not found");
  }
}
