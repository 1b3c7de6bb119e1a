package dev.sessiond.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Logs members in: throttled by {@link LoginThrottle} (per username at the client's address,
 * per address, per username), the same answer for a wrong username, a wrong password and a
 * member who may not log in ({@code can_login: false}, even with the right password), counted
 * the same by the throttle, and about the same time for all. A password check counts from the moment it is let in, before its
 * hash is computed, so parallel guesses cannot outrun the throttle; and at most
 * {@link #MAX_IN_FLIGHT} checks are under way at once (waiting for the throttle's store or the
 * hashing pool), the rest are refused at once (RateLimited, retry in a second) instead of
 * queueing without bound.
 */
public final class LoginService {

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
    return throttled(username, ip, pass -> members.findByUsername(username).thenCompose(found -> {
      CompletionStage<String> hash = found.isPresent()
          ? CompletableFuture.completedFuture(found.get().passwordHash())
          : decoyHash;
      return hash.thenCompose(h -> hasher.verify(password, h)).thenCompose(ok -> {
        // A member who may not log in is told what a wrong password is told, counted as one
        // and after the same hashing: an answer of its own would confirm the password.
        if (!ok || found.isEmpty() || !found.get().profile().canLogin()) {
          pass.wrong();
          throw new SessiondException.Unauthorized("wrong username or password");
        }
        Member member = found.get();
        return pass.right().thenCompose(v -> sessions.create(
            new SessionService.NewSession(member.id(), member.profile(), null, ip, userAgent),
            dev.sessiond.core.events.Actor.member(member.id())));
      });
    }));
  }

  /**
   * A member changes its own password from session {@code session}, proving it knows the
   * current one. A wrong current password changes nothing and counts as a failed login for the
   * member's username from the client's address (so a stolen session cannot guess faster than a login
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
      return throttled(member.username(), ip, pass -> {
        CompletionStage<Boolean> ok = current.length() > MemberService.MAX_PASSWORD_LENGTH
            ? CompletableFuture.completedFuture(false)
            : hasher.verify(current, member.passwordHash());
        return ok.thenCompose(right -> {
          if (!right) {
            pass.wrong();
            throw new SessiondException.Forbidden("the current password is wrong");
          }
          return pass.right().thenCompose(v -> members.changeOwnPassword(member.id(), newPassword, session.id()));
        });
      });
    });
  }

  /**
   * Runs a password check under the throttle: refused at once when {@link #MAX_IN_FLIGHT} checks
   * are under way, else admitted by the throttle (RateLimited when a key refuses), and the pass
   * ended when the check does (a check that said neither wrong nor right gives its counts back).
   */
  private <T> CompletionStage<T> throttled(String username, String ip, Function<LoginThrottle.Pass, CompletionStage<T>> check) {
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      return CompletableFuture.failedFuture(
          new SessiondException.RateLimited("too many logins in progress, try again shortly", Duration.ofSeconds(1)));
    }
    return attempt(() -> throttle.admit(username, ip))
        .thenCompose(pass -> attempt(() -> check.apply(pass)).whenComplete((value, error) -> pass.end()))
        .whenComplete((value, error) -> inFlight.decrementAndGet());
  }

  /** A call that may throw before it returns its stage: the throw becomes the stage's failure. */
  private static <T> CompletionStage<T> attempt(java.util.function.Supplier<CompletionStage<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
