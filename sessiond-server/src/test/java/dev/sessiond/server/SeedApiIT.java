package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The admin-dashboard seed: GET /sessions, DELETE /sessions/{uid}, POST /sessions/clear. */
class SeedApiIT extends OneServerPerClass {

  @Test
  void listsTheDistinctUsersThatHoldALiveSession() {
    api.createSession("seed-list-a");
    api.createSession("seed-list-a");
    api.createSession("seed-list-b");

    Api.Res r = api.get("/sessions", "Authorization", bearer(admin));

    assertThat(r.status()).isEqualTo(200);
    List<String> users = new ArrayList<>();
    r.json().forEach(n -> users.add(n.asText()));
    assertThat(users).contains("seed-list-a", "seed-list-b").doesNotHaveDuplicates();
  }

  @Test
  void interruptingAUserRevokesEachOfItsSessionsAndCountsThem() {
    String t1 = api.createSession("seed-interrupt").get("token").asText();
    String t2 = api.createSession("seed-interrupt").get("token").asText();
    String other = api.createSession("seed-bystander").get("token").asText();

    Api.Res r = api.delete("/sessions/seed-interrupt", "Authorization", bearer(admin));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"DeletedCount\":2}");
    assertThat(api.get("/api/whoami", "Authorization", bearer(t1)).status()).isEqualTo(401);
    assertThat(api.get("/api/whoami", "Authorization", bearer(t2)).status()).isEqualTo(401);
    assertThat(api.get("/api/whoami", "Authorization", bearer(other)).status()).isEqualTo(200);
    assertThat(api.delete("/sessions/seed-interrupt", "Authorization", bearer(admin)).body())
        .isEqualTo("{\"DeletedCount\":0}");
  }

  @Test
  void aUserIdThatIsTooLongOrOddIsRefusedWith400() {
    String tooLong = "u".repeat(129);
    for (String uid : List.of(tooLong, "a%20b", "a%2Fb", "%C3%A9t%C3%A9", "a%00b", "a'b")) {
      Api.Res r = api.delete("/sessions/" + uid, "Authorization", bearer(admin));
      assertThat(r.status()).as(uid).isEqualTo(400);
      assertThat(r.message()).as(uid).contains("user ID");
    }
  }

  @Test
  void seedEndpointsNeedCredentialsAndTheAdminRight() {
    JsonNode plain = api.createSession("seed-plain-user");
    String token = plain.get("token").asText();
    assertThat(api.get("/sessions").status()).isEqualTo(401);
    assertThat(api.delete("/sessions/x").status()).isEqualTo(401);
    assertThat(api.post("/sessions/clear", null).status()).isEqualTo(401);
    assertThat(api.get("/sessions", "Authorization", bearer(token)).status()).isEqualTo(403);
    assertThat(api.delete("/sessions/x", "Authorization", bearer(token)).status()).isEqualTo(403);
    assertThat(api.post("/sessions/clear", null, "Authorization", bearer(token)).status()).isEqualTo(403);
    assertThat(api.get("/api/whoami", "Authorization", bearer(token)).status()).isEqualTo(200);
  }
}
