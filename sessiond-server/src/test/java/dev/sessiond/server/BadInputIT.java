package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input gets the right 4xx and a message, and changes nothing. */
class BadInputIT extends OneServerPerClass {

  private JsonNode before;

  @BeforeEach
  void countBefore() {
    before = stats();
  }

  @AfterEach
  void nothingChanged() {
    JsonNode after = stats();
    assertThat(after.get("sessions")).isEqualTo(before.get("sessions"));
    assertThat(after.get("members")).isEqualTo(before.get("members"));
  }

  private static JsonNode stats() {
    return api.get("/api/stats", "Authorization", bearer(admin)).json();
  }

  private static void expect(int status, Api.Res r) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.message()).isNotBlank();
  }

  @Test
  void malformedJsonIs400() {
    String auth = bearer(admin);
    expect(400, api.post("/api/login", "{\"username\": \"admin\", "));
    expect(400, api.post("/api/sessions", "{user_id: x}", "Authorization", auth));
    expect(400, api.post("/api/members", "not json at all", "Authorization", auth));
    expect(400, api.post("/api/sessions", "{\"user_id\":\"a\"} trailing", "Authorization", auth));
    assertThat(api.post("/api/login", "{").message()).isEqualTo("request body is not valid JSON");
  }

  @Test
  void jsonThatIsNotAnObjectIs400() {
    for (String body : List.of("[]", "\"text\"", "42", "null", "")) {
      expect(400, api.post("/api/sessions", body, "Authorization", bearer(admin)));
    }
  }

  @Test
  void wrongTypesAre400AndNameTheField() {
    String auth = bearer(admin);
    Api.Res r = api.post("/api/login", "{\"username\":123,\"password\":\"x\"}");
    expect(400, r);
    assertThat(r.message()).contains("username");
    expect(400, api.post("/api/sessions", "{\"user_id\":[\"a\"]}", "Authorization", auth));
    expect(400, api.post("/api/sessions", "{\"user_id\":\"a\",\"ttl\":\"soon\"}", "Authorization", auth));
    expect(400, api.post("/api/sessions", "{\"user_id\":\"a\",\"ttl\":1.5}", "Authorization", auth));
    expect(400, api.post("/api/sessions", "{\"user_id\":\"a\",\"profile\":{\"is_admin\":\"yes\"}}", "Authorization", auth));
    expect(400, api.post("/api/sessions", "{\"user_id\":\"a\",\"profile\":{\"is_admin\":1}}", "Authorization", auth));
    expect(400, api.post("/api/members", "{\"username\":\"x\",\"password\":\"y\",\"profile\":\"admin\"}", "Authorization", auth));
  }

  @Test
  void missingOrInvalidFieldsAre400() {
    String auth = bearer(admin);
    expect(400, api.post("/api/login", "{}"));
    expect(400, api.post("/api/login", "{\"username\":\"admin\"}"));
    expect(400, api.post("/api/sessions", "{}", "Authorization", auth));
    expect(400, api.post("/api/sessions", "{\"user_id\":\"\"}", "Authorization", auth));
    expect(400, api.post("/api/sessions", "{\"user_id\":\"has space\"}", "Authorization", auth));
    expect(400, api.post("/api/sessions", "{\"user_id\":\"" + "x".repeat(129) + "\"}", "Authorization", auth));
    expect(400, api.post("/api/sessions", "{\"user_id\":\"a\",\"ttl\":0}", "Authorization", auth));
    expect(400, api.post("/api/sessions", "{\"user_id\":\"a\",\"ttl\":-5}", "Authorization", auth));
    expect(400, api.post("/api/members", "{\"password\":\"y\"}", "Authorization", auth));
    expect(400, api.post("/api/members", "{\"username\":\"nopass\"}", "Authorization", auth));
    expect(400, api.post("/api/members", "{\"username\":\" padded \",\"password\":\"y\"}", "Authorization", auth));
    expect(400, api.get("/api/sessions?limit=0", "Authorization", auth));
    expect(400, api.get("/api/sessions?limit=abc", "Authorization", auth));
    expect(400, api.get("/api/sessions?limit=1001", "Authorization", auth));
    expect(400, api.get("/api/members?offset=-1", "Authorization", auth));
  }

  @Test
  void bodiesOver64KiBAre413() {
    String big = "{\"user_id\":\"" + "x".repeat(70 * 1024) + "\"}";
    Api.Res r = api.post("/api/sessions", big, "Authorization", bearer(admin));
    expect(413, r);
    expect(413, api.post("/api/login", big));
  }

  @Test
  void unknownRoutesAre404() {
    expect(404, api.get("/nope"));
    expect(404, api.get("/api/sessions/a/b/c", "Authorization", bearer(admin)));
    expect(404, api.post("/api/whatever", "{}"));
  }

  @Test
  void wrongMethodsAre405() {
    expect(405, api.send("PUT", "/api/sessions", "{}", "Authorization", bearer(admin)));
    expect(405, api.get("/sessions/clear", "Authorization", bearer(admin)));
    expect(405, api.send("PATCH", "/api/whoami", "{}"));
    expect(405, api.delete("/api/login"));
    expect(405, api.post("/health", null));
  }

  @Test
  void oddPathCharactersGetAClearAnswer() {
    String auth = bearer(admin);
    expect(404, api.get("/api/sessions/%2e%2e%2fetc", "Authorization", auth));
    expect(404, api.get("/api/sessions/a%00b", "Authorization", auth));
    expect(404, api.get("/api/sessions/%E2%98%83", "Authorization", auth));
    expect(404, api.get("/api/sessions/" + "f".repeat(2000), "Authorization", auth));
    expect(404, api.get("/api/members/%27%3B--", "Authorization", auth));
    expect(400, api.delete("/sessions/%F0%9F%98%80", "Authorization", auth));
  }

  @Test
  void aRequestTheHttpParserRejectsGetsJson400() throws Exception {
    try (Socket raw = new Socket("127.0.0.1", server.port())) {
      OutputStream out = raw.getOutputStream();
      out.write("GET /api/sessions/a b c HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = raw.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).matches("(?s)HTTP/1\\.[01] 400.*").contains("application/json").contains("{\"message\":");
    }
  }

  @Test
  void forgedExpiredAndRevokedTokensAre401() throws Exception {
    expect(401, api.get("/api/whoami", "Authorization", bearer("forged")));
    expect(401, api.get("/api/whoami", "Authorization", bearer("A".repeat(43))));
    expect(401, api.get("/api/whoami", "Authorization", bearer("x".repeat(5000))));
    expect(401, api.get("/api/whoami", "Authorization", "Bearer"));
    expect(401, api.get("/api/whoami", "Authorization", "Token abc"));
    expect(401, api.get("/api/whoami?token="));
    expect(401, api.get("/api/whoami", "Cookie", "sessiond_session=forged"));

    long sessionsBefore = stats().get("sessions").asLong();
    JsonNode shortLived = api.post("/api/sessions", "{\"user_id\":\"expiring\",\"ttl\":1}",
        "Authorization", bearer(admin)).json();
    JsonNode revoked = api.createSession("revoked");
    api.delete("/api/sessions/" + revoked.get("id").asText(), "Authorization", bearer(admin));
    // The expired session counts in /api/stats until the purge (every 10 s here) removes it: wait
    // for that, so that the count this test compares at its end cannot move under it.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (stats().get("sessions").asLong() != sessionsBefore) {
      assertThat(System.nanoTime()).as("the purge never removed the expired session").isLessThan(deadline);
      Thread.sleep(100);
    }
    before = stats();
    expect(401, api.get("/api/whoami", "Authorization", bearer(shortLived.get("token").asText())));
    expect(401, api.get("/api/whoami", "Authorization", bearer(revoked.get("token").asText())));
  }
}
