package dev.sessiond.core.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.store.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every ThrottleStore promises: {@link ThrottleRule}'s arithmetic, atomic per key, with
 * the store's clock. The stores run on {@link #clock}, which the tests move by hand.
 */
public abstract class ThrottleStoreContract {

  /** 3 at once, one forgotten a minute, waits from 10 s doubling to at most 40 s. */
  private static final ThrottleRule RULE =
      new ThrottleRule(3, Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(40));

  protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T12:00:00Z"));
  protected ThrottleStore store;

  /** A fresh, empty store on {@link #clock}. */
  protected abstract ThrottleStore newStore() throws Exception;

  /**
   * Waits (with a deadline) until the store holds nothing for {@code key}, whose score fell to
   * zero on {@link #clock} 300 ms after it was last written (a store that expires keys on its
   * own clock, as Redis does, gets that long in real time); fails if it never does.
   */
  protected abstract void awaitDropped(String key) throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore();
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private Duration attempt(String key) {
    return await(store.attempt(key, RULE));
  }

  private void pass(String key, int times) {
    for (int i = 0; i < times; i++) {
      assertThat(attempt(key)).as("attempt %d of %s", i + 1, key).isZero();
    }
  }

  @Test
  void aBurstOfFreeAttemptsPassesAndTheNextWaitsTheBase() {
    pass("k", 3);

    assertThat(attempt("k")).isEqualTo(Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(4));
    assertThat(attempt("k")).as("a refused attempt counts nothing: the wait runs on").isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void theWaitsDoubleThenTheRateAtWhichTheKeyForgetsTakesOver() {
    pass("k", 3);
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Duration wait = attempt("k");
      waits.add(wait.toSeconds());
      clock.advance(wait);
      assertThat(attempt("k")).isZero();
    }
    // The score just after each counted attempt: 3, 3.83, 4.67, 5.33, 5.67, 6: its whole points
    // above 3 double the 10 s, up to the 40 s cap; room under the score (2 min of decay or more) is later.
    assertThat(waits).containsExactly(10L, 10L, 20L, 40L, 40L, 40L);
  }

  @Test
  void whenTheScoreMakesRoomFirstTheWaitIsThat() {
    ThrottleRule slowDoubling = new ThrottleRule(2, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(5));
    assertThat(await(store.attempt("k", slowDoubling))).isZero();
    assertThat(await(store.attempt("k", slowDoubling))).isZero();

    assertThat(await(store.attempt("k", slowDoubling))).as("score 2 falls to 1 in 10 s, before the 30 s wait")
        .isEqualTo(Duration.ofSeconds(10));
    clock.advance(Duration.ofSeconds(10));
    assertThat(await(store.attempt("k", slowDoubling))).isZero();
  }

  @Test
  void aQuietKeyForgetsOneAttemptPerDecay() {
    pass("k", 3);
    clock.advance(Duration.ofMinutes(1));
    pass("k", 1);
    assertThat(attempt("k")).isPositive();

    clock.advance(Duration.ofMinutes(3));
    pass("k", 3);
    assertThat(attempt("k")).isPositive();
  }

  @Test
  void aRefundGivesOneAttemptBackButKeepsItsTime() {
    pass("k", 3);
    await(store.refund("k", RULE));
    pass("k", 1);
    assertThat(attempt("k")).isEqualTo(Duration.ofSeconds(10));

    await(store.refund("nothing-here", RULE));
    pass("nothing-here", 3);
  }

  @Test
  void aForgottenKeyStartsAfresh() {
    pass("k", 3);
    await(store.forget("k"));
    pass("k", 3);
    await(store.forget("never-seen"));
  }

  @Test
  void keysAreIndependent() {
    pass("ua 203.0.113.7 admin", 3);
    assertThat(attempt("ua 203.0.113.7 admin")).isPositive();

    pass("ua 198.51.100.9 admin", 3);
    pass("u admin", 3);
    pass("ua 203.0.113.7 Admin", 3);
  }

  @Test
  void keysMayHoldAnyText() {
    String odd = "ua 2001:db8::/64 n\u00e4me with spaces, \"quotes\", {braces} and\nnewlines";
    pass(odd, 3);
    assertThat(attempt(odd)).isPositive();
    pass(odd.substring(0, odd.length() - 1), 3);
  }

  @Test
  void attemptsSentAtOnceCannotPassTheRule() throws Exception {
    List<CompletableFuture<Duration>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      all.add(CompletableFuture.supplyAsync(() -> store.attempt("k", RULE)).thenCompose(s -> s));
    }
    long passed = 0;
    for (CompletableFuture<Duration> a : all) {
      passed += a.get(30, TimeUnit.SECONDS).isZero() ? 1 : 0;
    }
    assertThat(passed).isEqualTo(3);
  }

  @Test
  void aKeyWhoseScoreFellToZeroIsDropped() throws Exception {
    ThrottleRule quick = new ThrottleRule(3, Duration.ofMillis(300), Duration.ofMillis(100), Duration.ofSeconds(1));
    await(store.attempt("k", quick));
    await(store.attempt("k", quick));
    await(store.refund("k", quick));
    clock.advance(Duration.ofMillis(301));
    await(store.attempt("other", RULE));

    awaitDropped("k");
  }
}
