package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every management endpoint: 401 without credentials, 403 without the admin right. */
class AccessIT extends OneServerPerClass {

  record Call(String method, String path, String body) {}

  static final List<Call> ADMIN_ONLY = List.of(
      new Call("GET", "/sessions", null),
      new Call("DELETE", "/sessions/someone", null),
      new Call("POST", "/sessions/clear", null),
      new Call("POST", "/api/sessions", "{\"user_id\":\"x\"}"),
      new Call("GET", "/api/sessions", null),
      new Call("GET", "/api/sessions/000000000000000000000000", null),
      new Call("DELETE", "/api/sessions/000000000000000000000000", null),
      new Call("POST", "/api/sessions/000000000000000000000000/disconnect", null),
      new Call("GET", "/api/members", null),
      new Call("POST", "/api/members", "{\"username\":\"x\",\"password\":\"y\"}"),
      new Call("GET", "/api/members/000000000000000000000000", null),
      new Call("POST", "/api/members/000000000000000000000000", "{}"),
      new Call("DELETE", "/api/members/000000000000000000000000", null),
      new Call("POST", "/api/members/000000000000000000000000/password", "{\"password\":\"p\"}"),
      new Call("GET", "/api/stats", null));

  @Test
  void managementEndpointsAnswer401WithoutCredentials() {
    for (Call c : ADMIN_ONLY) {
      Api.Res r = api.send(c.method(), c.path(), c.body());
      assertThat(r.status()).as(c.toString()).isEqualTo(401);
    }
  }

  @Test
  void managementEndpointsAnswer401ForAForgedToken() {
    for (Call c : ADMIN_ONLY) {
      Api.Res r = api.send(c.method(), c.path(), c.body(), "Authorization", bearer("forged-" + c.path().length()));
      assertThat(r.status()).as(c.toString()).isEqualTo(401);
    }
  }

  @Test
  void managementEndpointsAnswer403WithoutTheAdminRight() {
    String user = api.createSession("plain-user").get("token").asText();
    for (Call c : ADMIN_ONLY) {
      Api.Res r = api.send(c.method(), c.path(), c.body(), "Authorization", bearer(user));
      assertThat(r.status()).as(c.toString()).isEqualTo(403);
      assertThat(r.message()).isEqualTo("admin right required");
    }
  }

  @Test
  void sessionEndpointsAnswer401WithoutCredentials() {
    assertThat(api.get("/api/whoami").status()).isEqualTo(401);
    assertThat(api.post("/api/logout", null).status()).isEqualTo(401);
  }

  @Test
  void aDemotedAdminLosesTheRightAtOnce() {
    Api.Res m = api.post("/api/members", "{\"username\":\"temp-admin\",\"password\":\"pw-temp\",\"profile\":{\"is_admin\":true}}",
        "Authorization", bearer(TestServer.API_TOKEN));
    String id = m.json().get("id").asText();
    String token = api.login("temp-admin", "pw-temp");
    assertThat(api.get("/api/sessions", "Authorization", bearer(token)).status()).isEqualTo(200);

    assertThat(api.post("/api/members/" + id, "{\"is_admin\":false}", "Authorization", bearer(TestServer.API_TOKEN))
        .status()).isEqualTo(204);

    assertThat(api.get("/api/sessions", "Authorization", bearer(token)).status()).isEqualTo(403);
    assertThat(api.get("/api/whoami", "Authorization", bearer(token)).json().at("/profile/is_admin").asBoolean()).isFalse();
  }
}
