package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --event-retention}: entries older than the retention leave {@code GET /api/events} on
 * the trim's schedule (every tenth of the retention), and newer ones stay.
 *
 * <p>With a 20 s retention the trim runs every 2 s. Every read is checked against both bounds:
 * an entry younger than the retention when the answer arrived is in it (nothing is trimmed
 * early), and an entry older than the retention plus one trim interval (plus 1 s for a loaded
 * machine's timers) when the request was sent is not.
 */
class EventRetentionIT {

  static final Duration RETENTION = Duration.ofSeconds(20);
  static final Duration TRIM_EVERY = RETENTION.dividedBy(10);
  static final Duration LATE = Duration.ofSeconds(1);
  static final String USER = "retention-subject";

  @Test
  void entriesOlderThanTheRetentionAreTrimmedOnScheduleAndNewerOnesStay(@TempDir Path dir) throws Exception {
    try (ServerProcess server = ServerProcess.serve(dir, "--event-retention", RETENTION.toSeconds() + "s")) {
      Api api = server.api();
      assertThat(api.get("/health").status()).isEqualTo(200);
      Set<String> old = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        old.add(api.createSession(USER).get("id").asText());
      }

      Map<String, Instant> seen = new HashMap<>();   // event ID -> its time, every entry ever read
      Set<String> oldEvents = new HashSet<>();
      long giveUp = System.nanoTime() + RETENTION.plus(TRIM_EVERY).plus(LATE).plusSeconds(20).toNanos();
      long nextWrite = System.nanoTime();
      int reads = 0;
      while (true) {
        if (System.nanoTime() >= nextWrite) {
          api.createSession(USER);
          nextWrite = System.nanoTime() + Duration.ofMillis(500).toNanos();
        }
        Instant sent = Instant.now();
        Api.Res r = api.get("/api/events?user_id=" + USER + "&limit=1000", "Authorization", bearer(TestServer.API_TOKEN));
        Instant received = Instant.now();
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Map<String, Instant> present = new HashMap<>();
        for (JsonNode e : r.json()) {
          assertThat(e.get("type").asText()).isEqualTo("session.created");
          assertThat(e.get("user_id").asText()).isEqualTo(USER);
          present.put(e.get("id").asText(), Instant.parse(e.get("time").asText()));
          if (old.contains(e.get("session_id").asText())) {
            oldEvents.add(e.get("id").asText());
          }
        }
        seen.putAll(present);
        reads++;
        assertThat(oldEvents).as("the first read shows the three old entries").hasSize(3);
        for (Map.Entry<String, Instant> e : seen.entrySet()) {
          if (!e.getValue().isBefore(received.minus(RETENTION))) {
            assertThat(present).as("an entry within the retention stays (read %s)", received).containsKey(e.getKey());
          }
          if (e.getValue().isBefore(sent.minus(RETENTION).minus(TRIM_EVERY).minus(LATE))) {
            assertThat(present).as("an entry past the retention and a trim interval is gone (read %s)", sent)
                .doesNotContainKey(e.getKey());
          }
        }
        if (oldEvents.stream().noneMatch(present::containsKey)) {
          assertThat(present).as("newer entries stay when the old ones go").isNotEmpty();
          break;
        }
        assertThat(System.nanoTime()).as("the old entries are trimmed in time").isLessThan(giveUp);
        Thread.sleep(100);
      }
      assertThat(reads).as("the entries were read while they were kept").isGreaterThan(1);
    }
  }
}
