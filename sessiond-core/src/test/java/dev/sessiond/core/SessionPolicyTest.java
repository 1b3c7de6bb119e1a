package dev.sessiond.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionPolicyTest {

  private static SessionPolicy idle(Duration idle) {
    return new SessionPolicy(idle, Duration.ofDays(30), 0, SessionPolicy.OnLimit.EVICT_OLDEST);
  }

  @Test
  void useIsCountedInMemoryAtATwentiethOfTheIdleTimeoutAndAtMostEveryThirtySeconds() {
    assertThat(idle(Duration.ofMinutes(4)).touchGranularity()).isEqualTo(Duration.ofSeconds(12));
    assertThat(idle(Duration.ofHours(20)).touchGranularity()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void useMayReachDiskATwentiethOfTheIdleTimeoutLateAndAtMostFiveMinutesLateNeverBeforeItIsCounted() {
    assertThat(idle(Duration.ofMinutes(4)).durableTouchLag()).isEqualTo(Duration.ofSeconds(12));
    assertThat(idle(Duration.ofHours(1)).durableTouchLag()).isEqualTo(Duration.ofMinutes(3));
    assertThat(idle(Duration.ofHours(20)).durableTouchLag()).isEqualTo(Duration.ofMinutes(5));
    for (long minutes : new long[] {1, 7, 60, 600, 100_000}) {
      SessionPolicy p = idle(Duration.ofMinutes(minutes));
      assertThat(p.durableTouchLag()).isGreaterThanOrEqualTo(p.touchGranularity());
    }
  }
}
