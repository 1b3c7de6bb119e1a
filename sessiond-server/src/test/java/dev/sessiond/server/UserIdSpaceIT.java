package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * A backend's {@code POST /api/sessions} for a user ID that names a member opens the member's
 * own session, with the member's profile, never one the backend chose.
 */
class UserIdSpaceIT extends OneServerPerClass {

  static final String AUTH = bearer(TestServer.API_TOKEN);

  private static String adminMemberId() {
    return api.get("/api/whoami", "Authorization", bearer(admin)).json().get("user_id").asText();
  }

  @Test
  void aMembersSessionCannotBeMintedWithAProfileOfTheCallersChoosing() {
    Api.Res r = api.post("/api/sessions", "{\"user_id\":\"" + adminMemberId() + "\",\"profile\":{\"name\":\"not the admin\"}}",
        "Authorization", AUTH);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.message()).contains("member");
  }

  @Test
  void aMembersSessionOpenedByAnAdminCarriesTheMembersOwnProfile() {
    Api.Res r = api.post("/api/sessions", "{\"user_id\":\"" + adminMemberId() + "\"}", "Authorization", AUTH);

    assertThat(r.status()).isEqualTo(201);
    JsonNode who = api.get("/api/whoami", "Authorization", bearer(r.json().get("token").asText())).json();
    assertThat(who.at("/profile/is_admin").asBoolean()).isTrue();
    assertThat(who.get("user_id").asText()).isEqualTo(adminMemberId());
  }

  @Test
  void aBackendsOwnUserGetsTheProfileItAskedFor() {
    Api.Res r = api.post("/api/sessions", "{\"user_id\":\"backend-user-7\",\"profile\":{\"name\":\"Bea\",\"can_watch\":false}}",
        "Authorization", AUTH);

    assertThat(r.status()).isEqualTo(201);
    assertThat(r.json().at("/profile/name").asText()).isEqualTo("Bea");
    assertThat(r.json().at("/profile/can_watch").asBoolean()).isFalse();
  }
}
