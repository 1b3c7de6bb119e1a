package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** neko's members API, and what member changes do to sessions. */
class MemberApiIT {

  @TempDir
  static Path dir;
  static TestServer server;
  static Api api;
  static String auth;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir);
    api = server.api;
    auth = bearer(server.adminToken());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonNode create(String username, String password) {
    Api.Res r = api.post("/api/members", "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}",
        "Authorization", auth);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  @Test
  void createsListsGetsUpdatesAndDeletesAMember() {
    Api.Res created = api.post("/api/members", "{\"username\":\"crud\",\"password\":\"pw-crud\","
        + "\"profile\":{\"name\":\"Crud\",\"can_host\":false,\"plugins\":{\"x\":[1,2]}}}", "Authorization", auth);
    assertThat(created.status()).isEqualTo(200);
    String id = created.json().get("id").asText();
    assertThat(id).matches("[0-9a-f]{24}");
    assertThat(created.json().get("username").asText()).isEqualTo("crud");
    assertThat(created.json().at("/profile/can_host").asBoolean()).isFalse();
    assertThat(created.json().at("/profile/can_login").asBoolean()).isTrue();
    assertThat(created.json().has("password")).isFalse();
    assertThat(created.body()).doesNotContain("pw-crud").doesNotContain("argon2");

    Api.Res list = api.get("/api/members", "Authorization", auth);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body()).contains(id);
    assertThat(api.get("/api/members?limit=1&offset=0", "Authorization", auth).json().size()).isEqualTo(1);

    Api.Res one = api.get("/api/members/" + id, "Authorization", auth);
    assertThat(one.json().at("/plugins/x/1").asInt()).as("the bare profile, as neko answers").isEqualTo(2);
    assertThat(one.json().has("id")).isFalse();

    assertThat(api.post("/api/members/" + id, "{\"name\":\"Renamed\",\"can_watch\":false}", "Authorization", auth)
        .status()).isEqualTo(204);
    JsonNode updated = api.get("/api/members/" + id, "Authorization", auth).json();
    assertThat(updated.at("/name").asText()).isEqualTo("Renamed");
    assertThat(updated.at("/can_watch").asBoolean()).isFalse();
    assertThat(updated.at("/can_host").asBoolean()).as("unchanged properties stay").isFalse();

    assertThat(api.delete("/api/members/" + id, "Authorization", auth).status()).isEqualTo(204);
    assertThat(api.get("/api/members/" + id, "Authorization", auth).status()).isEqualTo(404);
    assertThat(api.delete("/api/members/" + id, "Authorization", auth).status()).isEqualTo(404);
  }

  @Test
  void withoutALimitOrWithLimitZeroTheListIsEveryMemberAndALimitCutsIt() {
    for (int i = 0; i < 12; i++) {
      create("many-" + i, "pw-many");
    }
    long total = api.get("/api/stats", "Authorization", auth).json().get("members").asLong();
    assertThat(total).isGreaterThanOrEqualTo(13);

    assertThat(api.get("/api/members", "Authorization", auth).json().size()).isEqualTo((int) total);
    assertThat(api.get("/api/members?limit=0&offset=0", "Authorization", auth).json().size()).isEqualTo((int) total);
    assertThat(api.get("/api/members?limit=10&offset=0", "Authorization", auth).json().size()).isEqualTo(10);
    assertThat(api.get("/api/members?limit=0&offset=3", "Authorization", auth).json().size()).isEqualTo((int) total - 3);
    assertThat(api.get("/api/members?offset=" + total, "Authorization", auth).body()).isEqualTo("[]");
    assertThat(api.get("/api/members?limit=-1", "Authorization", auth).status()).isEqualTo(400);
    assertThat(api.get("/api/members?limit=0", "Authorization", bearer("not-a-token")).status()).isEqualTo(401);
  }

  @Test
  void aMemberIsAlsoAddressedByTheIdOfOneOfItsLiveSessions() {
    String id = create("by-session", "pw-by-session").get("id").asText();
    String token = api.login("by-session", "pw-by-session");
    String sessionId = api.get("/api/whoami", "Authorization", bearer(token)).json().get("id").asText();
    String other = api.createSession("not-a-member").get("id").asText();

    assertThat(api.get("/api/members/" + sessionId, "Authorization", auth).json().get("name").asText())
        .isEqualTo("by-session");
    assertThat(api.post("/api/members/" + sessionId, "{\"can_host\":false}", "Authorization", auth).status())
        .isEqualTo(204);
    assertThat(api.get("/api/members/" + id, "Authorization", auth).json().get("can_host").asBoolean()).isFalse();
    assertThat(api.get("/api/members/" + other, "Authorization", auth).status())
        .as("a session of a user who is no member names no member").isEqualTo(404);

    assertThat(api.delete("/api/members/" + sessionId, "Authorization", auth).status()).isEqualTo(204);
    assertThat(api.get("/api/members/" + id, "Authorization", auth).status()).isEqualTo(404);
    assertThat(api.get("/api/whoami", "Authorization", bearer(token)).status()).isEqualTo(401);
    assertThat(api.delete("/api/members/" + sessionId, "Authorization", auth).status())
        .as("the session ended with its member").isEqualTo(404);
  }

  @Test
  void aTakenUsernameIs409() {
    create("taken", "pw-1");
    Api.Res again = api.post("/api/members", "{\"username\":\"taken\",\"password\":\"pw-2\"}", "Authorization", auth);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.message()).contains("taken");
  }

  @Test
  void deletingAMemberEndsItsSessions() {
    String id = create("leaver", "pw-leaver").get("id").asText();
    String token = api.login("leaver", "pw-leaver");

    api.delete("/api/members/" + id, "Authorization", auth);

    assertThat(api.get("/api/whoami", "Authorization", bearer(token)).status()).isEqualTo(401);
    assertThat(api.post("/api/login", "{\"username\":\"leaver\",\"password\":\"pw-leaver\"}").status()).isEqualTo(401);
  }

  @Test
  void aNewPasswordEndsTheMembersSessionsAndIsTheOneThatWorks() {
    String id = create("changer", "old-password").get("id").asText();
    String token = api.login("changer", "old-password");

    assertThat(api.post("/api/members/" + id + "/password", "{\"password\":\"new-password\"}", "Authorization", auth)
        .status()).isEqualTo(204);

    assertThat(api.get("/api/whoami", "Authorization", bearer(token)).status()).isEqualTo(401);
    assertThat(api.post("/api/login", "{\"username\":\"changer\",\"password\":\"old-password\"}").status()).isEqualTo(401);
    assertThat(api.login("changer", "new-password")).isNotBlank();
  }

  @Test
  void unknownMembersAre404() {
    String none = "/api/members/000000000000000000000000";
    assertThat(api.get(none, "Authorization", auth).status()).isEqualTo(404);
    assertThat(api.post(none, "{}", "Authorization", auth).status()).isEqualTo(404);
    assertThat(api.post(none + "/password", "{\"password\":\"x\"}", "Authorization", auth).status()).isEqualTo(404);
  }
}
