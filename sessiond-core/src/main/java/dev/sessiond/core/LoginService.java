package dev.sessiond.core;

import java.util.concurrent.CompletionStage;

/**
 * Logs members in: throttled per username and per client IP, the same answer for a wrong
 * username as for a wrong password, and about the same time for both.
 */
public final class LoginService {

  public static final int FAILURES_PER_USERNAME = 5;
  public static final int FAILURES_PER_IP = 20;

  private final MemberService members;
  private final SessionService sessions;
  private final PasswordHasher hasher;
  private final LoginThrottle throttle;
  private final CompletionStage<String> decoyHash;

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
    String ipKey = "ip:" + ip;
    throttle.check(userKey, FAILURES_PER_USERNAME);
    throttle.check(ipKey, FAILURES_PER_IP);
    return members.findByUsername(username).thenCompose(found -> {
      CompletionStage<String> hash = found.isPresent()
          ? java.util.concurrent.CompletableFuture.completedFuture(found.get().passwordHash())
          : decoyHash;
      return hash.thenCompose(h -> hasher.verify(password, h)).thenCompose(ok -> {
        if (!ok || found.isEmpty()) {
          throttle.fail(userKey);
          throttle.fail(ipKey);
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
    });
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
      String ipKey = "ip:" + ip;
      throttle.check(userKey, FAILURES_PER_USERNAME);
      throttle.check(ipKey, FAILURES_PER_IP);
      if (current.length() > MemberService.MAX_PASSWORD_LENGTH) {
        return wrongCurrent(userKey, ipKey);
      }
      return hasher.verify(current, member.passwordHash()).thenCompose(ok -> {
        if (!ok) {
          return wrongCurrent(userKey, ipKey);
        }
        throttle.reset(userKey);
        return members.changeOwnPassword(member.id(), newPassword, session.id());
      });
    });
  }

  private CompletionStage<Integer> wrongCurrent(String userKey, String ipKey) {
    throttle.fail(userKey);
    throttle.fail(ipKey);
    throw new SessiondException.Forbidden("the current password is wrong");
  }

  /** Forgets failures that left the window; call now and then. */
  public void sweep() {
    throttle.sweep();
  }
}
