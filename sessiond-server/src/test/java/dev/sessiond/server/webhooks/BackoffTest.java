package dev.sessiond.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final Random random = new Random(42);

  @Test
  void startsNearASecondDoublesAndIsCappedAtFiveMinutes() {
    assertThat(Backoff.after(1, random)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
    assertThat(Backoff.after(2, random)).isBetween(Duration.ofMillis(1600), Duration.ofMillis(2400));
    assertThat(Backoff.after(5, random)).isBetween(Duration.ofMillis(12800), Duration.ofMillis(19200));
    for (int failures : new int[] {10, 11, 30, 1000, Integer.MAX_VALUE}) {
      assertThat(Backoff.after(failures, random)).isBetween(Duration.ofMinutes(4), Duration.ofMinutes(6));
    }
  }

  @Test
  void aReceiverDownForADayIsStillTriedEveryFewMinutes() {
    Duration elapsed = Duration.ZERO;
    int attempts = 0;
    while (elapsed.compareTo(Duration.ofDays(1)) < 0) {
      elapsed = elapsed.plus(Backoff.after(++attempts, random));
    }
    assertThat(attempts).isBetween(240, 400);
  }
}
