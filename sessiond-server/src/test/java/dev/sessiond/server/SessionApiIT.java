package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** neko's session API and creation by a trusted backend. */
class SessionApiIT extends OneServerPerClass {

  @Test
  void aTrustedBackendCreatesASessionWhoseTokenVerifies() {
    Api.Res created = api.post("/api/sessions",
        "{\"user_id\":\"backend-user-1\",\"profile\":{\"name\":\"Ada\",\"plugins\":{\"theme\":{\"dark\":true}}}}",
        "Authorization", bearer(TestServer.API_TOKEN), "User-Agent", "backend/1.0");

    assertThat(created.status()).isEqualTo(201);
    JsonNode s = created.json();
    assertThat(s.get("token").asText()).hasSizeGreaterThanOrEqualTo(43);
    assertThat(s.get("id").asText()).matches("[0-9a-f]{24}");
    assertThat(s.get("user_id").asText()).isEqualTo("backend-user-1");
    assertThat(s.at("/profile/name").asText()).isEqualTo("Ada");
    assertThat(s.at("/profile/is_admin").asBoolean()).isFalse();
    assertThat(s.at("/profile/plugins/theme/dark").asBoolean()).isTrue();
    assertThat(s.at("/state/is_connected").asBoolean()).isFalse();
    assertThat(s.get("user_agent").asText()).isEqualTo("backend/1.0");

    Api.Res who = api.get("/api/whoami", "Authorization", bearer(s.get("token").asText()));
    assertThat(who.status()).isEqualTo(200);
    assertThat(who.json().get("id").asText()).isEqualTo(s.get("id").asText());
    assertThat(who.json().has("token")).isFalse();
  }

  @Test
  void anAdminSessionMayCreateSessionsToo() {
    Api.Res created = api.post("/api/sessions", "{\"user_id\":\"made-by-admin\"}", "Authorization", bearer(admin));
    assertThat(created.status()).isEqualTo(201);
  }

  @Test
  void aSessionWithATtlEndsWhenItRunsOut() throws Exception {
    // Long enough that the first use lands inside it on a busy machine.
    Duration ttl = Duration.ofSeconds(3);
    long asked = System.nanoTime();
    Api.Res created = api.post("/api/sessions", "{\"user_id\":\"short-lived\",\"ttl\":" + ttl.toSeconds() + "}",
        "Authorization", bearer(TestServer.API_TOKEN));
    String token = created.json().get("token").asText();
    assertThat(api.get("/api/whoami", "Authorization", bearer(token)).status()).isEqualTo(200);

    Api.Res expired;
    while ((expired = api.get("/api/whoami", "Authorization", bearer(token))).status() == 200) {
      assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("still valid well after its ttl").isLessThan(ttl.plusSeconds(10));
      Thread.sleep(50);
    }
    // Not before its ttl either (the server keeps times to the millisecond).
    assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThanOrEqualTo(ttl.minusMillis(1));
    assertThat(expired.status()).isEqualTo(401);
    assertThat(api.get("/api/sessions/" + created.json().get("id").asText(), "Authorization", bearer(admin)).status())
        .isEqualTo(404);
  }

  @Test
  void listsSessionsAndFiltersThemByUser() {
    String id = api.createSession("filter-me").get("id").asText();
    api.createSession("not-me");

    Api.Res all = api.get("/api/sessions", "Authorization", bearer(admin));
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.json().size()).isGreaterThanOrEqualTo(2);

    Api.Res mine = api.get("/api/sessions?user_id=filter-me", "Authorization", bearer(admin));
    assertThat(mine.json().size()).isEqualTo(1);
    assertThat(mine.json().get(0).get("id").asText()).isEqualTo(id);
    assertThat(mine.json().get(0).has("token")).isFalse();
  }

  @Test
  void pagesThroughSessionsByKeysetFollowingTheLinkHeader() {
    for (int i = 0; i < 7; i++) {
      api.createSession("pager");
    }
    List<String> seen = new ArrayList<>();
    String next = "/api/sessions?user_id=pager&limit=3";
    int pages = 0;
    while (next != null) {
      Api.Res page = api.get(next, "Authorization", bearer(admin));
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.json().size()).isLessThanOrEqualTo(3);
      page.json().forEach(s -> seen.add(s.get("id").asText()));
      String link = page.header("Link");
      next = link == null ? null : link.substring(1, link.indexOf('>'));
      pages++;
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).hasSize(7).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void getsOneSessionOrAnswers404() {
    String id = api.createSession("get-me").get("id").asText();

    Api.Res found = api.get("/api/sessions/" + id, "Authorization", bearer(admin));
    assertThat(found.status()).isEqualTo(200);
    assertThat(found.json().get("user_id").asText()).isEqualTo("get-me");
    assertThat(found.json().at("/state/is_connected").isBoolean()).isTrue();

    Api.Res missing = api.get("/api/sessions/000000000000000000000000", "Authorization", bearer(admin));
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.message()).isEqualTo("session not found");
  }

  @Test
  void deletingASessionRevokesItsToken() {
    JsonNode s = api.createSession("delete-me");
    String id = s.get("id").asText();

    assertThat(api.delete("/api/sessions/" + id, "Authorization", bearer(admin)).status()).isEqualTo(204);

    assertThat(api.get("/api/whoami", "Authorization", bearer(s.get("token").asText())).status()).isEqualTo(401);
    assertThat(api.delete("/api/sessions/" + id, "Authorization", bearer(admin)).status()).isEqualTo(404);
  }

  @Test
  void deletingYourOwnSessionIsRefusedInFavourOfLogout() {
    String own = api.get("/api/whoami", "Authorization", bearer(admin)).json().get("id").asText();

    Api.Res r = api.delete("/api/sessions/" + own, "Authorization", bearer(admin));

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).contains("logout");
    assertThat(api.get("/api/whoami", "Authorization", bearer(admin)).status()).isEqualTo(200);
  }

  @Test
  void disconnectKeepsTheSessionAndAnswers404ForAnUnknownOne() {
    JsonNode s = api.createSession("disconnect-me");

    Api.Res r = api.post("/api/sessions/" + s.get("id").asText() + "/disconnect", null, "Authorization", bearer(admin));

    assertThat(r.status()).isEqualTo(204);
    assertThat(r.body()).isEmpty();
    assertThat(api.get("/api/whoami", "Authorization", bearer(s.get("token").asText())).status()).isEqualTo(200);
    assertThat(api.post("/api/sessions/000000000000000000000000/disconnect", null, "Authorization", bearer(admin))
        .status()).isEqualTo(404);
  }
}
