package dev.sessiond.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessiond.core.store.MutableClock;
import dev.sessiond.core.throttle.InMemoryThrottleStore;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The throttle's model, on the memory store with a clock the test moves. */
class LoginThrottleTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T12:00:00Z"));
  private final LoginThrottle throttle = new LoginThrottle(new InMemoryThrottleStore(clock));

  private LoginThrottle.Pass admit(String username, String ip) {
    return throttle.admit(username, ip).toCompletableFuture().join();
  }

  private void fail(String username, String ip) {
    admit(username, ip).wrong();
  }

  private Duration refusal(String username, String ip) {
    Throwable t = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
        () -> admit(username, ip)).getCause();
    assertThat(t).isInstanceOf(SessiondException.RateLimited.class);
    return ((SessiondException.RateLimited) t).retryAfter();
  }

  @Test
  void fiveFailuresSlowThatUsernameAtThatAddressOnly() {
    for (int i = 0; i < 5; i++) {
      fail("admin", "203.0.113.7");
    }

    assertThat(refusal("admin", "203.0.113.7")).isEqualTo(Duration.ofSeconds(15));
    admit("admin", "198.51.100.9").right().toCompletableFuture().join();
    admit("alice", "203.0.113.7").wrong();
  }

  @Test
  void theGuesserIsSlowedNotBlockedAndTheWaitsGrow() {
    for (int i = 0; i < 5; i++) {
      fail("admin", "203.0.113.7");
    }
    long[] waits = new long[6];
    for (int i = 0; i < waits.length; i++) {
      Duration wait = refusal("admin", "203.0.113.7");
      waits[i] = wait.toSeconds();
      clock.advance(wait);
      fail("admin", "203.0.113.7");
    }
    assertThat(waits).containsExactly(15, 15, 30, 60, 120, 120);

    clock.advance(refusal("admin", "203.0.113.7"));
    admit("admin", "203.0.113.7").right().toCompletableFuture().join();
    for (int i = 0; i < 5; i++) {
      fail("admin", "203.0.113.7");
    }
    assertThat(refusal("admin", "203.0.113.7")).as("the right password forgot the address's failures")
        .isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void refusedAttemptsDoNotPushTheWaitBack() {
    for (int i = 0; i < 5; i++) {
      fail("admin", "203.0.113.7");
    }
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofSeconds(1));
      assertThat(refusal("admin", "203.0.113.7")).isEqualTo(Duration.ofSeconds(15 - i - 1));
    }
  }

  @Test
  void twentyFailuresFromOneAddressAcrossUsernamesSlowThatAddress() {
    for (int i = 0; i < 20; i++) {
      fail("user-" + i, "203.0.113.7");
    }

    assertThat(refusal("someone-new", "203.0.113.7")).isEqualTo(Duration.ofSeconds(15));
    admit("someone-new", "203.0.113.8").right().toCompletableFuture().join();
  }

  @Test
  void anIpv6Slash64CountsAsOneAddress() {
    for (int i = 0; i < 5; i++) {
      fail("admin", "2001:db8:1:2::" + Integer.toHexString(i + 1));
    }

    assertThat(refusal("admin", "2001:db8:1:2:ffff::1")).isPositive();
    admit("admin", "2001:db8:1:3::1").right().toCompletableFuture().join();
  }

  @Test
  void aHundredFailuresFromManyAddressesSlowTheUsernameEverywhereAndNoFewerDo() {
    for (int i = 0; i < 99; i++) {
      fail("admin", "10.0." + (i / 5) + "." + (i % 5 + 1));
    }
    LoginThrottle.Pass stillIn = admit("admin", "192.0.2.1");
    stillIn.wrong();

    assertThat(refusal("admin", "192.0.2.2")).as("the 101st, from an address that never failed")
        .isEqualTo(Duration.ofSeconds(15));
    clock.advance(Duration.ofSeconds(15));
    admit("admin", "192.0.2.2").right().toCompletableFuture().join();
  }

  @Test
  void aCheckThatEndsNeitherWrongNorRightGivesEverythingBack() {
    for (int i = 0; i < 4; i++) {
      fail("admin", "203.0.113.7");
    }
    for (int i = 0; i < 10; i++) {
      admit("admin", "203.0.113.7").end();
    }

    admit("admin", "203.0.113.7").wrong();
    assertThat(refusal("admin", "203.0.113.7")).isPositive();
  }

  @Test
  void aRefusalAtTheUsernameGivesBackWhatTheAddressKeysCounted() {
    for (int i = 0; i < 100; i++) {
      fail("admin", "10.0." + (i / 5) + "." + (i % 5 + 1));
    }
    for (int i = 0; i < 30; i++) {
      refusal("admin", "192.0.2.1");
    }

    for (int i = 0; i < 5; i++) {
      admit("bob", "192.0.2.1").wrong();
    }
    assertThat(refusal("bob", "192.0.2.1")).as("30 refusals for admin left nothing on 192.0.2.1's keys")
        .isEqualTo(Duration.ofSeconds(15));
  }
}
