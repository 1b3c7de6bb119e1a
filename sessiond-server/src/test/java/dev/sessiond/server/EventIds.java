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

  /**
   * The {@code webhook-id} of each entry of the whole log, oldest first: its ID, or on a sharded
   * Redis Cluster, where an ID is a cursor {@code <shard>~<part>.<part>...}, the shard and its part.
   */
  static List<String> keys(Api api) {
    return sessionEntries(api).stream().map(EventIds::key).toList();
  }

  static String key(String id) {
    int own = id.indexOf('~');
    if (own < 0) {
      return id;
    }
    return id.substring(0, own + 1) + id.substring(own + 1).split("\\.", -1)[Integer.parseInt(id.substring(0, own), 36)];
  }

  static List<String> all(Api api) {
    return read(api, false);
  }

  /**
   * The IDs of the log's {@code session.*} entries, oldest first: what a webhook configured at
   * start delivers of a test's own changes (start-up writes the admin member's
   * {@code member.created} before the webhooks take their first position, so it is not delivered).
   */
  static List<String> sessionEntries(Api api) {
    return read(api, true);
  }

  private static List<String> read(Api api, boolean sessionsOnly) {
    List<String> ids = new ArrayList<>();
    for (JsonNode e : entries(api)) {
      if (!sessionsOnly || e.get("type").asText().startsWith("session.")) {
        ids.add(e.get("id").asText());
      }
    }
    return ids;
  }

  /** Every entry of the whole log, oldest first, as {@code GET /api/events} answers them. */
  static List<JsonNode> entries(Api api) {
    List<JsonNode> all = new ArrayList<>();
    String after = null;
    while (true) {
      Api.Res r = api.get("/api/events?limit=1000" + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)),
          "Authorization", Api.bearer(TestServer.API_TOKEN));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      JsonNode page = r.json();
      if (page.isEmpty()) {
        return all;
      }
      page.forEach(all::add);
      after = page.get(page.size() - 1).get("id").asText();
    }
  }
}
