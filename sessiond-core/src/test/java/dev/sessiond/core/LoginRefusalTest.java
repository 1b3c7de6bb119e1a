package dev.sessiond.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.store.InMemoryMemberStore;
import dev.sessiond.core.store.InMemorySessionStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A member who may not log in ({@code can_login: false}) is refused exactly as a wrong password
 * is, even when the password is right: the same exception and message, counted the same by the
 * throttle, after the same password check. Anything else would tell a guesser the password was right.
 */
class LoginRefusalTest {

  /** Fast and deterministic; counts the checks, so that a refusal can be seen to have hashed. */
  private static final class PlainHasher implements PasswordHasher {
    final AtomicInteger verified = new AtomicInteger();

    @Override
    public CompletionStage<String> hash(String password) {
      return CompletableFuture.completedFuture("h:" + password);
    }

    @Override
    public CompletionStage<Boolean> verify(String password, String hash) {
      verified.incrementAndGet();
      return CompletableFuture.completedFuture(hash.equals("h:" + password));
    }
  }

  private final Clock clock = Clock.systemUTC();
  private final PlainHasher hasher = new PlainHasher();
  private final SessionService sessions = new SessionService(new InMemorySessionStore(clock), SessionPolicy.defaults(), clock, new Events());
  private final MemberService members = new MemberService(new InMemoryMemberStore(), sessions, hasher, clock);
  private final LoginService login = new LoginService(members, sessions, hasher, new LoginThrottle(new dev.sessiond.core.throttle.InMemoryThrottleStore(clock)));

  private void member(String username, boolean canLogin) {
    Profile p = Profile.member(username);
    members.create(username, "right", new Profile(p.name(), false, canLogin, true, true, true, true, true, true, true, Map.of()), dev.sessiond.core.events.Actor.SYSTEM)
        .toCompletableFuture().join();
  }

  /** What each of {@code n} attempts ended as: "issued", or the refusal's class and message. */
  private List<String> outcomes(String username, String password, String ip, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      try {
        login.login(username, password, ip, "test").toCompletableFuture().join();
        out.add("issued");
      } catch (CompletionException e) {
        out.add(e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage());
      } catch (SessiondException e) {
        out.add(e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
    return out;
  }

  @Test
  void theRightPasswordOfAMemberWhoMayNotLogInIsAnsweredAndCountedLikeAWrongOne() {
    member("banned", false);
    member("allowed", true);
    int attempts = LoginThrottle.PER_USERNAME_AND_ADDRESS.free() + 3;

    List<String> banned = outcomes("banned", "right", "10.0.0.1", attempts);
    List<String> wrong = outcomes("allowed", "wrong", "10.0.0.2", attempts);

    assertThat(banned).isEqualTo(wrong);
    assertThat(banned.get(0)).isEqualTo("Unauthorized: wrong username or password");
    assertThat(banned.get(attempts - 1)).startsWith("RateLimited");
  }

  @Test
  void theRefusalComesAfterThePasswordCheckAsAWrongPasswordsDoes() {
    member("banned", false);
    int before = hasher.verified.get();

    assertThat(outcomes("banned", "right", "10.0.0.3", 1)).containsExactly("Unauthorized: wrong username or password");
    assertThat(outcomes("banned", "wrong", "10.0.0.3", 1)).containsExactly("Unauthorized: wrong username or password");
    assertThat(hasher.verified.get() - before).isEqualTo(2);
    assertThat(outcomes("nobody", "right", "10.0.0.3", 1)).containsExactly("Unauthorized: wrong username or password");
  }

  @Test
  void aMemberWhoMayLogInStillDoes() {
    member("allowed", true);
    assertThat(outcomes("allowed", "right", "10.0.0.4", 1)).containsExactly("issued");
  }
}
