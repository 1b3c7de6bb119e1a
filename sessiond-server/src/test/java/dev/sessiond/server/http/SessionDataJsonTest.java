package dev.sessiond.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessiond.core.Profile;
import dev.sessiond.server.wire.SessionData;
import dev.sessiond.server.wire.SessionState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionDataJsonTest {

  private static final ObjectMapper PLAIN = Json.build(false);

  @Test
  void theApiWritesSessionDataThisWay() throws Exception {
    assertThat(Json.MAPPER.getSerializerProviderInstance().findValueSerializer(SessionData.class))
        .isInstanceOf(SessionDataJson.class);
  }

  @Test
  void writesWhatTheMapperWritesForTheRecord() throws Exception {
    Instant t = Instant.parse("2026-11-25T01:10:00.120Z");
    Map<String, Object> plugins = new LinkedHashMap<>();
    plugins.put("chat.can_send", true);
    plugins.put("nested", Map.of("a", List.of(1, 2)));
    plugins.put("gone", null);
    Profile member = Profile.member("Jane \"J\" Doe \u00e9\u2028");
    Profile admin = new Profile("admin", true, false, true, false, true, false, true, false, true, plugins);
    SessionState live = new SessionState(true, false, t, null, 2);
    SessionState gone = new SessionState(false, false, null, t.plusSeconds(1), 0);
    for (SessionData d : List.of(
        new SessionData("id1", "user-1", member, SessionState.NEVER_CONNECTED, t, t, t.plusSeconds(60), "127.0.0.1",
            "Mozilla/5.0 \\ \t", "Chrome 131 on Windows 10", null, null),
        new SessionData("id2", "user-2", admin, live, t, t.plusNanos(1), t.plusSeconds(3600), "", "", "unknown client",
            true, "token-x"),
        new SessionData("id3", "user-3", member, gone, t, t, t, "::1", "curl/8", "curl 8", false, null),
        new SessionData("id4", "u", null, null, null, null, null, null, null, null, null, null),
        new SessionData("id5", "u\u0001\u007f", Profile.member("x".repeat(256)), new SessionState(true, true, t, t, 12),
            Instant.parse("+10000-01-01T00:00:00Z"), Instant.MAX, Instant.MIN, "10.0.0.1", "\u00ff".repeat(1500) + "\ud83d\ude00",
            "\n\r\b\f\u001f", null, null))) {
      assertThat(Json.MAPPER.writeValueAsString(d)).isEqualTo(PLAIN.writeValueAsString(d));
      assertThat(Json.encode(d).toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(PLAIN.writeValueAsString(d));
      assertThat(Json.MAPPER.writeValueAsString(List.of(d, d))).isEqualTo(PLAIN.writeValueAsString(List.of(d, d)));
    }
  }
}
