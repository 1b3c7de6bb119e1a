package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The IDs of the whole event log, oldest first, read page by page from {@code GET /api/events}. */
final class EventIds {

  private EventIds() {}

  static List<String> all(Api api) {
    List<String> ids = new ArrayList<>();
    String after = null;
    while (true) {
      Api.Res r = api.get("/api/events?limit=1000" + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)),
          "Authorization", Api.bearer(TestServer.API_TOKEN));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      JsonNode page = r.json();
      if (page.isEmpty()) {
        return ids;
      }
      page.forEach(e -> ids.add(e.get("id").asText()));
      after = ids.get(ids.size() - 1);
    }
  }
}
