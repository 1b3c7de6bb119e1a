package dev.sessiond.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Logs members in: throttled per username and per client IP, the same answer for a wrong
 * username as for a wrong password, and about the same time for both. A password check counts
 * against its username and IP from the moment it is let in, before its hash is computed, so
 * parallel guesses cannot outrun the limit; and at most {@link #MAX_IN_FLIGHT} checks wait for
 * the hashing pool at once, the rest are refused at once (RateLimited, retry in a second)
 * instead of queueing without bound.
 */
public final class LoginService {

  public static final int FAILURES_PER_USERNAME = 5;
  public static final int FAILURES_PER_IP = 20;
  public static final int MAX_IN_FLIGHT = 64;

  private final MemberService members;
  private final SessionService sessions;
  private final PasswordHasher hasher;
  private final LoginThrottle throttle;
  private final CompletionStage<String> decoyHash;
  private final AtomicInteger inFlight = new AtomicInteger();

  public LoginService(MemberService members, SessionService sessions, PasswordHasher hasher, LoginThrottle throttle) {
    this.members = members;
    this.sessions = sessions;
    this.hasher = hasher;
    this.throttle = throttle;
    this.decoyHash = hasher.hash(Tokens.newToken());
  }

  public CompletionStage<SessionService.Issued> login(String username, String password, String ip, String userAgent) {
    if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
      throw new SessiondException.Invalid("username and password are required");
    }
    if (username.length() > MemberService.MAX_USERNAME_LENGTH || password.length() > MemberService.MAX_PASSWORD_LENGTH) {
      throw new SessiondException.Unauthorized("wrong username or password");
    }
    String userKey = "user:" + username;
    return throttled(userKey, ip, wrong -> members.findByUsername(username).thenCompose(found -> {
      CompletionStage<String> hash = found.isPresent()
          ? CompletableFuture.completedFuture(found.get().passwordHash())
          : decoyHash;
      return hash.thenCompose(h -> hasher.verify(password, h)).thenCompose(ok -> {
        if (!ok || found.isEmpty()) {
          wrong.set(true);
          throw new SessiondException.Unauthorized("wrong username or password");
        }
        Member member = found.get();
        if (!member.profile().canLogin()) {
          throw new SessiondException.Forbidden("this member may not log in");
        }
        throttle.reset(userKey);
        return sessions.create(new SessionService.NewSession(member.id(), member.profile(), null, ip, userAgent),
            dev.sessiond.core.events.Actor.member(member.id()));
      });
    }));
  }

  /**
   * A member changes its own password from session {@code session}, proving it knows the
   * current one. A wrong current password changes nothing and counts as a failed login for the
   * member's username and the client IP (so a stolen session cannot guess faster than a login
   * form); the new password ends every other session of the member. Returns how many ended.
   */
  public CompletionStage<Integer> changePassword(Session session, String current, String newPassword, String ip) {
    if (current == null || current.isEmpty()) {
      throw new SessiondException.Invalid("current_password is required");
    }
    if (newPassword == null || newPassword.isEmpty()) {
      throw new SessiondException.Invalid("new_password is required");
    }
    return members.findById(session.userId()).thenCompose(found -> {
      if (found.isEmpty()) {
        throw new SessiondException.Forbidden("this session's user is not a member: it has no password to change");
      }
      Member member = found.get();
      String userKey = "user:" + member.username();
      return throttled(userKey, ip, wrong -> {
        CompletionStage<Boolean> ok = current.length() > MemberService.MAX_PASSWORD_LENGTH
            ? CompletableFuture.completedFuture(false)
            : hasher.verify(current, member.passwordHash());
        return ok.thenCompose(right -> {
          if (!right) {
            wrong.set(true);
            throw new SessiondException.Forbidden("the current password is wrong");
          }
          throttle.reset(userKey);
          return members.changeOwnPassword(member.id(), newPassword, session.id());
        });
      });
    });
  }

  /**
   * Runs a password check under the throttle: reserves the username and the IP (RateLimited
   * when either is spent, or when too many checks are in flight), and releases both when the
   * check ends, as a failure when it set {@code wrong}.
   */
  private <T> CompletionStage<T> throttled(String userKey, String ip, Function<AtomicBoolean, CompletionStage<T>> check) {
    String ipKey = "ip:" + ip;
    throttle.reserve(userKey, FAILURES_PER_USERNAME);
    try {
      throttle.reserve(ipKey, FAILURES_PER_IP);
    } catch (RuntimeException e) {
      throttle.release(userKey, false);
      throw e;
    }
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      throttle.release(userKey, false);
      throttle.release(ipKey, false);
      throw new SessiondException.RateLimited("too many logins in progress, try again shortly", Duration.ofSeconds(1));
    }
    AtomicBoolean wrong = new AtomicBoolean();
    CompletionStage<T> attempt;
    try {
      attempt = check.apply(wrong);
    } catch (RuntimeException e) {
      attempt = CompletableFuture.failedFuture(e);
    }
    return attempt.whenComplete((value, error) -> {
      inFlight.decrementAndGet();
      throttle.release(userKey, wrong.get());
      throttle.release(ipKey, wrong.get());
    });
  }

  /** Forgets failures that left the window; call now and then. */
  public void sweep() {
    throttle.sweep();
  }
}
