package dev.sessiond.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.server.wire.Responses;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

  @Test
  void writesWhatIsoInstantWrites() {
    Random random = new Random(42);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      long seconds = min + Math.floorMod(random.nextLong(), max - min + 1);
      int nano = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      Instant t = Instant.ofEpochSecond(seconds, nano);
      assertThat(IsoInstants.format(t)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(t));
    }
  }

  @Test
  void edgesAndYearsBeyondFourDigitsAreTheFormattersToo() {
    for (String text : new String[] {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999Z", "2024-02-29T12:00:00.100Z", "2026-11-25T01:10:00.000001Z"}) {
      Instant t = Instant.parse(text);
      assertThat(IsoInstants.format(t)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(t));
    }
    for (Instant t : new Instant[] {Instant.MIN, Instant.MAX, Instant.parse("+10000-01-01T00:00:00Z"),
        Instant.parse("-0001-12-31T23:59:59Z")}) {
      assertThat(IsoInstants.format(t)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(t));
    }
  }

  @Test
  void theApiWritesInstantsThisWay() {
    record Times(Instant at) {}
    Instant t = Instant.parse("2026-11-25T01:10:00.120Z");
    assertThat(Json.encode(new Times(t)).toString()).isEqualTo("{\"at\":\"2026-11-25T01:10:00.120Z\"}");
    assertThat(Json.encode(new Responses.ErrorMessage("x")).toString()).isEqualTo("{\"message\":\"x\"}");
  }
}
