package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Scoped API keys against the real server: made and listed by admins only, the secret shown once
 * and refused from the request after its deletion (its open event stream ending at once), each
 * scope's reach (verify: the session entries of the log and use reports; sessions: its own
 * users' sessions, never a member's), and the audit trail of keys and members.
 */
class ApiKeysIT extends OneServerPerClass {

  private static String token() {
    return bearer(TestServer.API_TOKEN);
  }

  private static JsonNode key(String name, String... scopes) {
    StringBuilder list = new StringBuilder();
    for (String s : scopes) {
      list.append(list.length() == 0 ? "" : ",").append(Api.quote(s));
    }
    Api.Res r = api.post("/api/keys", "{\"name\":" + Api.quote(name) + ",\"scopes\":[" + list + "]}", "Authorization", token());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  @Test
  void anAdminMakesAKeyWhoseSecretIsShownOnceAndNeverListed() {
    JsonNode k = key("shop verifier", "verify");
    assertThat(k.get("key").asText()).startsWith("sdk.").hasSize(4 + 43);
    assertThat(k.get("scopes")).hasSize(1);
    Api.Res list = api.get("/api/keys", "Authorization", bearer(admin));
    assertThat(list.status()).isEqualTo(200);
    JsonNode listed = null;
    for (JsonNode n : list.json()) {
      if (n.get("id").asText().equals(k.get("id").asText())) {
        listed = n;
      }
    }
    assertThat(listed).isNotNull();
    assertThat(listed.get("name").asText()).isEqualTo("shop verifier");
    assertThat(listed.has("key")).isFalse();
    assertThat(list.body()).doesNotContain(k.get("key").asText());
  }

  @Test
  void onlyAnAdminMakesListsOrDeletesKeysAndBadBodiesAre400() {
    String user = api.createSession("keyless-user").get("token").asText();
    assertThat(api.post("/api/keys", "{\"name\":\"x\",\"scopes\":[\"verify\"]}", "Authorization", bearer(user)).status())
        .isEqualTo(403);
    assertThat(api.get("/api/keys").status()).isEqualTo(401);
    String verifier = key("a verifier", "verify").get("key").asText();
    assertThat(api.get("/api/keys", "Authorization", bearer(verifier)).message()).isEqualTo("this API key does not hold the admin scope");
    assertThat(api.post("/api/keys", "{\"name\":\"x\",\"scopes\":[\"root\"]}", "Authorization", token()).status()).isEqualTo(400);
    assertThat(api.post("/api/keys", "{\"name\":\"x\",\"scopes\":[]}", "Authorization", token()).status()).isEqualTo(400);
    assertThat(api.post("/api/keys", "{\"name\":\"\",\"scopes\":[\"verify\"]}", "Authorization", token()).status()).isEqualTo(400);
    assertThat(api.delete("/api/keys/000000000000000000000000", "Authorization", token()).status()).isEqualTo(404);
    assertThat(api.get("/api/whoami", "Authorization", bearer("sdk.not-a-key")).status()).isEqualTo(401);
  }

  @Test
  void aVerifyKeyFollowsTheSessionEntriesAndReportsUseButDoesNothingElse() throws Exception {
    String verifier = key("verifier", "verify").get("key").asText();
    assertThat(api.post("/api/sessions", "{\"user_id\":\"app:1\"}", "Authorization", bearer(verifier)).status()).isEqualTo(403);
    assertThat(api.get("/api/sessions", "Authorization", bearer(verifier)).status()).isEqualTo(403);
    assertThat(api.post("/sessions/clear", null, "Authorization", bearer(verifier)).status()).isEqualTo(403);

    String last = lastId();
    JsonNode s = api.createSession("app:verified");
    String member = api.post("/api/members", "{\"username\":\"audited\",\"password\":\"pw-audited-1\"}", "Authorization", token())
        .json().get("id").asText();
    Api.Res page = api.get("/api/events?after=" + last, "Authorization", bearer(verifier));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.json()).extracting(n -> n.get("type").asText()).containsExactly("session.created");
    assertThat(page.json().get(0).get("session_id").asText()).isEqualTo(s.get("id").asText());
    Api.Res all = api.get("/api/events?after=" + last, "Authorization", token());
    assertThat(all.json()).extracting(n -> n.get("type").asText()).containsExactly("session.created", "member.created");
    assertThat(all.json().get(1).get("user_id").asText()).isEqualTo(member);

    Api.Res used = api.post("/api/sessions/used", "{\"ids\":[" + Api.quote(s.get("id").asText()) + ",\"000000000000000000000000\"]}",
        "Authorization", bearer(verifier));
    assertThat(used.status()).as(used.body()).isEqualTo(200);
    assertThat(used.json()).hasSize(1);
    assertThat(used.json().get(0).get("id").asText()).isEqualTo(s.get("id").asText());
    assertThat(used.json().get(0).get("expires_at").asText()).isNotEmpty();
    String sessionsKey = key("backend", "sessions").get("key").asText();
    assertThat(api.post("/api/sessions/used", "{\"ids\":[]}", "Authorization", bearer(sessionsKey)).status()).isEqualTo(403);
    assertThat(api.get("/api/events", "Authorization", bearer(sessionsKey)).status()).isEqualTo(403);
  }

  @Test
  void aSessionsKeyOpensAndEndsItsUsersSessionsButNeverAMembersOrAnAdminOne() {
    String backend = key("backend", "sessions").get("key").asText();
    Api.Res made = api.post("/api/sessions", "{\"user_id\":\"app:42\"}", "Authorization", bearer(backend));
    assertThat(made.status()).as(made.body()).isEqualTo(201);
    String member = api.post("/api/members", "{\"username\":\"kept\",\"password\":\"pw-kept-12\"}", "Authorization", token())
        .json().get("id").asText();
    assertThat(api.post("/api/sessions", "{\"user_id\":" + Api.quote(member) + "}", "Authorization", bearer(backend)).status())
        .isEqualTo(403);
    assertThat(api.post("/api/sessions", "{\"user_id\":\"app:43\",\"profile\":{\"is_admin\":true}}", "Authorization",
        bearer(backend)).status()).isEqualTo(403);
    String memberSession = api.post("/api/sessions", "{\"user_id\":" + Api.quote(member) + "}", "Authorization", token())
        .json().get("id").asText();
    assertThat(api.delete("/api/sessions/" + memberSession, "Authorization", bearer(backend)).status()).isEqualTo(404);
    assertThat(api.get("/api/sessions/" + memberSession, "Authorization", token()).status()).isEqualTo(200);
    String id = made.json().get("id").asText();
    assertThat(api.delete("/api/sessions/" + id, "Authorization", bearer(backend)).status()).isEqualTo(204);
    Api.Res log = api.get("/api/events?session_id=" + id, "Authorization", token());
    JsonNode ended = log.json().get(1);
    assertThat(ended.get("type").asText()).isEqualTo("session.revoked");
    assertThat(ended.get("actor").get("type").asText()).isEqualTo("api_key");
    assertThat(ended.get("actor").get("key_id").asText()).isNotEmpty();
  }

  @Test
  void aDeletedKeyIsRefusedFromTheNextRequestAndItsStreamEndsAndBothAreAudited() throws Exception {
    JsonNode k = key("short-lived", "verify");
    String secret = k.get("key").asText();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/api/events?after=now&keepalive=1"))
        .header("Accept", "text/event-stream").header("Authorization", bearer(secret)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
        lines.add("<end>");
      } catch (Exception e) {
        lines.add("<error " + e + ">");
      }
    });
    reader.setDaemon(true);
    reader.start();
    assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo(": sessiond event log");
    // The keep-alive comes every second, as asked.
    long start = System.nanoTime();
    String line;
    do {
      line = lines.poll(10, TimeUnit.SECONDS);
    } while (line != null && !line.equals(": keepalive"));
    assertThat(line).isEqualTo(": keepalive");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

    assertThat(api.delete("/api/keys/" + k.get("id").asText(), "Authorization", token()).status()).isEqualTo(204);
    assertThat(api.get("/api/events?after=now", "Authorization", bearer(secret)).status()).isEqualTo(401);
    List<String> seen = new ArrayList<>();
    String next;
    do {
      next = lines.poll(10, TimeUnit.SECONDS);
      seen.add(String.valueOf(next));
    } while (next != null && !next.startsWith("<"));
    assertThat(next).as("the stream ends after the key's deletion: " + seen).isEqualTo("<end>");

    Api.Res audit = api.get("/api/events?type=key.deleted", "Authorization", token());
    JsonNode deleted = audit.json().get(audit.json().size() - 1);
    assertThat(deleted.get("key_id").asText()).isEqualTo(k.get("id").asText());
    assertThat(deleted.get("actor").get("type").asText()).isEqualTo("api_token");
    assertThat(api.get("/api/events?type=key.created", "Authorization", token()).json())
        .anySatisfy(n -> assertThat(n.get("key_id").asText()).isEqualTo(k.get("id").asText()));
  }

  @Test
  void theAuditTrailSaysWhoMadeAMemberAnAdminAndWhenAndTheSessionsProfileChangeIsLogged() {
    String member = api.post("/api/members", "{\"username\":\"promoted\",\"password\":\"pw-promoted-1\"}", "Authorization", token())
        .json().get("id").asText();
    api.login("promoted", "pw-promoted-1");
    Api.Res me = api.get("/api/whoami", "Authorization", bearer(admin));
    String adminSession = me.json().get("id").asText();
    assertThat(api.post("/api/members/" + member, "{\"is_admin\":true,\"name\":\"Pro Moted\"}", "Authorization", bearer(admin))
        .status()).isEqualTo(204);
    Api.Res log = api.get("/api/events?user_id=" + member, "Authorization", token());
    List<String> types = new ArrayList<>();
    log.json().forEach(n -> types.add(n.get("type").asText()));
    assertThat(types).containsExactly("member.created", "session.created", "session.updated", "member.updated");
    JsonNode updated = log.json().get(3);
    assertThat(updated.get("changes").get("is_admin").asBoolean()).isTrue();
    assertThat(updated.get("changes").get("name").asText()).isEqualTo("Pro Moted");
    assertThat(updated.get("actor").get("session_id").asText()).isEqualTo(adminSession);
    assertThat(updated.get("time").asText()).isNotEmpty();
    assertThat(log.json().get(2).get("count").asInt()).isEqualTo(1);
    assertThat(api.get("/api/events?type=member.updated&user_id=" + member, "Authorization", token()).json()).hasSize(1);
  }

  private static String lastId() {
    Api.Res all = api.get("/api/events?limit=1000", "Authorization", token());
    String last = null;
    String after = null;
    while (true) {
      Api.Res page = api.get("/api/events?limit=1000" + (after == null ? "" : "&after=" + after), "Authorization", token());
      if (page.json().isEmpty()) {
        return last == null ? "0" : last;
      }
      last = page.json().get(page.json().size() - 1).get("id").asText();
      after = last;
      assertThat(all.status()).isEqualTo(200);
    }
  }
}
