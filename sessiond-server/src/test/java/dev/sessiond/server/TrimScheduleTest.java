package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The event log's trim schedule: a tenth of the retention, from 1 s to 10 minutes. */
class TrimScheduleTest {

  @Test
  void theTrimRunsEveryTenthOfTheRetentionBetweenOneSecondAndTenMinutes() {
    assertThat(Main.trimEvery(Duration.ofDays(30))).isEqualTo(Duration.ofMinutes(10));
    assertThat(Main.trimEvery(Duration.ofMinutes(100))).isEqualTo(Duration.ofMinutes(10));
    assertThat(Main.trimEvery(Duration.ofMinutes(50))).isEqualTo(Duration.ofMinutes(5));
    assertThat(Main.trimEvery(Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(2));
    assertThat(Main.trimEvery(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(1));
    assertThat(Main.trimEvery(Duration.ZERO)).isEqualTo(Duration.ofSeconds(1));
  }
}
