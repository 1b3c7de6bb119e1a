package dev.sessiond.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sessiond.core.store.InMemoryMemberStore;
import dev.sessiond.core.store.InMemorySessionStore;
import dev.sessiond.core.throttle.InMemoryThrottleStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The login throttle under concurrency, with a hasher whose checks finish only when the test
 * says: what counts is what is in flight, not what has finished.
 */
class LoginServiceTest {

  /** Hashes at once; each check waits until the test completes it. */
  private static final class HeldHasher implements PasswordHasher {
    final List<CompletableFuture<Boolean>> checks = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<String> hash(String password) {
      return CompletableFuture.completedFuture("hash");
    }

    @Override
    public CompletionStage<Boolean> verify(String password, String hash) {
      CompletableFuture<Boolean> check = new CompletableFuture<>();
      checks.add(check);
      return check;
    }
  }

  private final Clock clock = Clock.systemUTC();
  private final HeldHasher hasher = new HeldHasher();
  private final SessionService sessions = new SessionService(new InMemorySessionStore(clock), SessionPolicy.defaults(), clock, new Events());
  private final MemberService members = new MemberService(new InMemoryMemberStore(), sessions, hasher, clock);
  private final LoginService login = new LoginService(members, sessions, hasher,
      new LoginThrottle(new InMemoryThrottleStore(clock)));

  /**
   * Starts n logins; returns the ones let in (the rest were refused at once: the memory store
   * answers at once, so a refusal has failed by the time login returns; counted in {@code refused}).
   */
  private List<CompletionStage<SessionService.Issued>> start(int n, java.util.function.IntFunction<String> username,
      java.util.function.IntFunction<String> ip, List<SessiondException.RateLimited> refused) {
    List<CompletionStage<SessionService.Issued>> in = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      CompletableFuture<SessionService.Issued> attempt =
          login.login(username.apply(i), "guess-" + i, ip.apply(i), "test").toCompletableFuture();
      if (attempt.isCompletedExceptionally()) {
        CompletionException e = assertThrows(CompletionException.class, attempt::join);
        refused.add(assertInstanceOf(SessiondException.RateLimited.class, e.getCause()));
      } else {
        in.add(attempt);
      }
    }
    return in;
  }

  @Test
  void sixtyParallelGuessesForOneUsernameLetInOnlyItsLimit() {
    members.create("victim", "right", Profile.member("victim"), dev.sessiond.core.events.Actor.SYSTEM).toCompletableFuture().join();
    List<SessiondException.RateLimited> refused = new ArrayList<>();

    List<CompletionStage<SessionService.Issued>> in = start(60, i -> "victim", i -> "10.0.0.1", refused);

    int limit = LoginThrottle.PER_USERNAME_AND_ADDRESS.free();
    assertEquals(limit, in.size());
    assertEquals(60 - limit, refused.size());
    hasher.checks.forEach(c -> c.complete(false));
    for (CompletionStage<SessionService.Issued> attempt : in) {
      CompletionException e = assertThrows(CompletionException.class, () -> attempt.toCompletableFuture().join());
      assertInstanceOf(SessiondException.Unauthorized.class, e.getCause());
    }
    CompletionException again = assertThrows(CompletionException.class,
        () -> login.login("victim", "right", "10.0.0.1", "test").toCompletableFuture().join());
    assertInstanceOf(SessiondException.RateLimited.class, again.getCause(),
        "the guessing address waits, even with the right password");
    CompletableFuture<SessionService.Issued> elsewhere = login.login("victim", "right", "10.0.0.2", "test").toCompletableFuture();
    hasher.checks.get(hasher.checks.size() - 1).complete(true);
    assertEquals("victim", elsewhere.join().session().profile().name(),
        "the right password from another address is let in");
  }

  @Test
  void aFloodOfLoginsWaitsForTheHasherOnlyUpToTheBoundTheRestAreToldToRetry() {
    List<SessiondException.RateLimited> refused = new ArrayList<>();

    List<CompletionStage<SessionService.Issued>> in = start(100, i -> "user-" + i, i -> "10.1." + (i / 200) + "." + (i % 200), refused);

    assertEquals(LoginService.MAX_IN_FLIGHT, in.size());
    assertEquals(100 - LoginService.MAX_IN_FLIGHT, refused.size());
    refused.forEach(r -> assertEquals(Duration.ofSeconds(1), r.retryAfter()));
    hasher.checks.forEach(c -> c.complete(false));
    in.forEach(attempt -> assertThrows(CompletionException.class, () -> attempt.toCompletableFuture().join()));
    assertEquals(1, start(1, i -> "after-the-flood", i -> "10.2.0.1", refused).size(), "finished checks free their places");
  }
}
