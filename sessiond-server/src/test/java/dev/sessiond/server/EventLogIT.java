package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** GET /api/events: the audit trail, its long poll and its Server-Sent Events, on a real server. */
class EventLogIT extends OneServerPerClass {

  static final String TOKEN = bearer(TestServer.API_TOKEN);

  private static String last() {
    JsonNode all = api.get("/api/events?limit=1000", "Authorization", TOKEN).json();
    String after = null;
    while (all.size() > 0) {
      after = all.get(all.size() - 1).get("id").asText();
      all = api.get("/api/events?limit=1000&after=" + after, "Authorization", TOKEN).json();
    }
    return after;
  }

  private static List<JsonNode> after(String after, String filters) {
    Api.Res r = api.get("/api/events?limit=1000" + (after == null ? "" : "&after=" + after) + filters, "Authorization", TOKEN);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.json().forEach(out::add);
    return out;
  }

  private static JsonNode only(List<JsonNode> events, String type) {
    List<JsonNode> of = events.stream().filter(e -> e.get("type").asText().equals(type)).toList();
    assertThat(of).as(type + " in " + events).hasSize(1);
    return of.get(0);
  }

  @Test
  void eachKindOfChangeAppearsWithItsReasonAndActor() throws Exception {
    String start = last();
    JsonNode adminSession = api.get("/api/whoami", "Authorization", bearer(admin)).json();
    String adminId = adminSession.get("id").asText();
    String adminUser = adminSession.get("user_id").asText();

    // created by the API token; deleted by an admin's session
    JsonNode byToken = api.createSession("audit-one");
    assertThat(api.delete("/api/sessions/" + byToken.get("id").asText(), "Authorization", bearer(admin)).status()).isEqualTo(204);
    List<JsonNode> one = after(start, "&user_id=audit-one");
    JsonNode created = only(one, "session.created");
    assertThat(created.get("session_id").asText()).isEqualTo(byToken.get("id").asText());
    assertThat(created.at("/actor/type").asText()).isEqualTo("api_token");
    assertThat(created.get("time").asText()).isNotEmpty();
    JsonNode deleted = only(one, "session.revoked");
    assertThat(deleted.get("reason").asText()).isEqualTo("deleted");
    assertThat(deleted.at("/actor/type").asText()).isEqualTo("session");
    assertThat(deleted.at("/actor/session_id").asText()).isEqualTo(adminId);
    assertThat(deleted.at("/actor/user_id").asText()).isEqualTo(adminUser);

    // a member logs in (actor: the member), logs out (actor: the session itself)
    Api.Res m = api.post("/api/members", "{\"username\":\"audited\",\"password\":\"pw-audited\"}", "Authorization", TOKEN);
    String memberId = m.json().get("id").asText();
    String memberToken = api.login("audited", "pw-audited");
    String memberSession = api.get("/api/whoami", "Authorization", bearer(memberToken)).json().get("id").asText();
    assertThat(api.post("/api/logout", null, "Authorization", bearer(memberToken)).status()).isEqualTo(204);
    List<JsonNode> member = after(start, "&session_id=" + memberSession);
    assertThat(only(member, "session.created").at("/actor/type").asText()).isEqualTo("member");
    assertThat(only(member, "session.created").at("/actor/user_id").asText()).isEqualTo(memberId);
    JsonNode logout = only(member, "session.revoked");
    assertThat(logout.get("reason").asText()).isEqualTo("logout");
    assertThat(logout.at("/actor/session_id").asText()).isEqualTo(memberSession);

    // password changed and member deleted by the API token: one entry each, for the user, with the count
    api.login("audited", "pw-audited");
    api.post("/api/members/" + memberId + "/password", "{\"password\":\"pw-2\"}", "Authorization", TOKEN);
    api.login("audited", "pw-2");
    api.delete("/api/members/" + memberId, "Authorization", TOKEN);
    List<JsonNode> memberEnds = after(start, "&user_id=" + memberId + "&type=session.revoked").stream()
        .filter(e -> !e.has("session_id")).toList();
    assertThat(memberEnds).extracting(e -> e.get("reason").asText()).containsExactly("password_changed", "member_deleted");
    assertThat(memberEnds).allSatisfy(e -> {
      assertThat(e.get("count").asInt()).isEqualTo(1);
      assertThat(e.at("/actor/type").asText()).isEqualTo("api_token");
    });

    // every session of one user; an admin's disconnect
    api.createSession("audit-user");
    api.createSession("audit-user");
    JsonNode kept = api.createSession("audit-kept");
    api.post("/api/sessions/" + kept.get("id").asText() + "/disconnect", null, "Authorization", bearer(admin));
    api.delete("/sessions/audit-user", "Authorization", TOKEN);
    JsonNode userEnd = only(after(start, "&user_id=audit-user"), "session.revoked");
    assertThat(userEnd.get("reason").asText()).isEqualTo("user");
    assertThat(userEnd.get("count").asInt()).isEqualTo(2);
    assertThat(userEnd.has("session_id")).isFalse();
    JsonNode dropped = only(after(start, "&session_id=" + kept.get("id").asText()), "session.disconnected");
    assertThat(dropped.at("/actor/session_id").asText()).isEqualTo(adminId);

    // expiry, by the system (the purge runs every heartbeat, 10 s here)
    Api.Res shortLived = api.post("/api/sessions", "{\"user_id\":\"audit-expiry\",\"ttl\":1}", "Authorization", TOKEN);
    String shortId = shortLived.json().get("id").asText();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
    List<JsonNode> expired = List.of();
    while (expired.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(250);
      expired = after(start, "&type=session.expired&session_id=" + shortId);
    }
    assertThat(expired).hasSize(1);
    assertThat(expired.get(0).at("/actor/type").asText()).isEqualTo("system");
    assertThat(expired.get(0).get("user_id").asText()).isEqualTo("audit-expiry");
  }

  @Test
  void clearingEveryoneIsOneEntryWithTheCount() {
    String start = last();
    api.createSession("clear-a");
    api.createSession("clear-b");
    Api.Res cleared;
    try {
      cleared = api.post("/sessions/clear", null, "Authorization", TOKEN);
    } finally {
      admin = server.adminToken();
    }
    int count = cleared.json().get("DeletedCount").asInt();
    List<JsonNode> ends = after(start, "&type=session.revoked");
    assertThat(ends).hasSize(1);
    assertThat(ends.get(0).get("reason").asText()).isEqualTo("clear");
    assertThat(ends.get(0).get("count").asInt()).isEqualTo(count);
  }

  @Test
  void pagesFollowEachOtherWithNoGapAndNoDuplicate() {
    String start = last();
    for (int i = 0; i < 7; i++) {
      api.createSession("paged");
    }
    List<String> seen = new ArrayList<>();
    String after = start;
    while (true) {
      JsonNode page = api.get("/api/events?limit=3&user_id=paged" + (after == null ? "" : "&after=" + after),
          "Authorization", TOKEN).json();
      if (page.size() == 0) {
        break;
      }
      assertThat(page.size()).isLessThanOrEqualTo(3);
      page.forEach(e -> seen.add(e.get("session_id").asText()));
      after = page.get(page.size() - 1).get("id").asText();
    }
    assertThat(seen).hasSize(7).doesNotHaveDuplicates();
  }

  @Test
  void aLongPollAnswersAsSoonAsAnEventExists() throws Exception {
    String start = last();
    CompletableFuture<Api.Res> waiting = CompletableFuture.supplyAsync(() ->
        api.get("/api/events?wait=30&type=session.created&after=" + start, "Authorization", TOKEN));
    Thread.sleep(700);
    assertThat(waiting).isNotDone();
    api.post("/api/sessions/" + "missing" + "/disconnect", null, "Authorization", TOKEN);
    long creating = System.nanoTime();
    JsonNode made = api.createSession("long-poll");
    Api.Res r = waiting.get(5, TimeUnit.SECONDS);
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - creating);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get(0).get("session_id").asText()).isEqualTo(made.get("id").asText());
    assertThat(tookMs).as("answered right after the creation, not at the end of the wait").isLessThan(5_000);

    String now = last();
    long quiet = System.nanoTime();
    Api.Res empty = api.get("/api/events?wait=1&after=" + now, "Authorization", TOKEN);
    assertThat(empty.json().size()).isZero();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - quiet)).isBetween(900L, 4_000L);
  }

  @Test
  void anEventStreamResumesAfterLastEventIdWithNoGapAndNoDuplicate() throws Exception {
    String start = last();
    api.createSession("sse");
    api.createSession("sse");
    List<String> got = new ArrayList<>();
    try (Sse first = Sse.open(server.port(), "?user_id=sse&after=" + start, null)) {
      got.add(first.nextId());
      got.add(first.nextId());
      api.createSession("sse");
      got.add(first.nextId());
    }
    api.createSession("sse");
    api.createSession("sse");
    try (Sse second = Sse.open(server.port(), "?user_id=sse", got.get(got.size() - 1))) {
      got.add(second.nextId());
      got.add(second.nextId());
      api.createSession("sse");
      got.add(second.nextId());
      assertThat(second.nothingWithin(Duration.ofMillis(500))).isTrue();
    }
    List<String> expected = after(start, "&user_id=sse").stream().map(e -> e.get("id").asText()).toList();
    assertThat(got).hasSize(6).isEqualTo(expected);
  }

  @Test
  void anAdminSocketResumesTheLogAfterAnIdThenGoesLive() throws Exception {
    String start = last();
    api.createSession("ws-log");
    api.createSession("ws-log");
    List<String> expected = new ArrayList<>(after(start, "").stream().map(e -> e.get("id").asText()).toList());
    WsClient socket = WsClient.connect(server.port(), admin + "&after=" + start);
    List<String> got = new ArrayList<>();
    for (int i = 0; i < expected.size(); i++) {
      got.add(socket.next("log/event").at("/payload/id").asText());
    }
    assertThat(got).isEqualTo(expected);
    JsonNode later = api.createSession("ws-log-live");
    JsonNode live = socket.next("log/event").get("payload");
    assertThat(live.get("type").asText()).isEqualTo("session.created");
    assertThat(live.get("session_id").asText()).isEqualTo(later.get("id").asText());
    socket.socket.abort();
  }

  @Test
  void badQueriesAreRefusedWithTheirReason() {
    assertThat(api.get("/api/events?type=session.bogus", "Authorization", TOKEN).status()).isEqualTo(400);
    assertThat(api.get("/api/events?limit=0", "Authorization", TOKEN).status()).isEqualTo(400);
    assertThat(api.get("/api/events?limit=1001", "Authorization", TOKEN).status()).isEqualTo(400);
    assertThat(api.get("/api/events?wait=61", "Authorization", TOKEN).status()).isEqualTo(400);
    assertThat(api.get("/api/events?after=not-an-id", "Authorization", TOKEN).status()).isEqualTo(400);
    assertThat(api.get("/api/events").status()).isEqualTo(401);
    JsonNode user = api.createSession("not-an-admin");
    assertThat(api.get("/api/events", "Authorization", bearer(user.get("token").asText())).status()).isEqualTo(403);
  }

  /**
   * A Server-Sent Events reader on the JDK's HTTP client: the IDs of the events it receives. The
   * status and type are checked on the test's thread; a stream that breaks or ends before the
   * test closes it fails the test's next call.
   */
  static final class Sse implements AutoCloseable {
    private final BlockingQueue<String> ids = new LinkedBlockingQueue<>();
    private final HttpResponse<Stream<String>> response;
    private final AtomicReference<Throwable> broken = new AtomicReference<>();
    private volatile boolean closing;

    private Sse(HttpResponse<Stream<String>> response) {
      this.response = response;
      Thread reader = new Thread(() -> {
        try {
          response.body().forEach(line -> {
            if (line.startsWith("id: ")) {
              ids.add(line.substring(4));
            }
          });
          if (!closing) {
            broken.set(new AssertionError("the server ended the event stream"));
          }
        } catch (RuntimeException e) {
          if (!closing) {
            broken.set(e);
          }
        }
      }, "sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    static Sse open(int port, String query, String lastEventId) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events" + query))
          .header("Accept", "text/event-stream").header("Authorization", TOKEN);
      if (lastEventId != null) {
        b.header("Last-Event-ID", lastEventId);
      }
      HttpResponse<Stream<String>> r = HttpClient.newHttpClient()
          .sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS);
      if (r.statusCode() != 200) {
        String body = String.join("\n", r.body().toList());
        throw new AssertionError("event stream answered " + r.statusCode() + ": " + body);
      }
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
      return new Sse(r);
    }

    String nextId() throws InterruptedException {
      String id = ids.poll(5, TimeUnit.SECONDS);
      assertUnbroken();
      assertThat(id).as("an event within 5 s").isNotNull();
      return id;
    }

    boolean nothingWithin(Duration d) throws InterruptedException {
      boolean nothing = ids.poll(d.toMillis(), TimeUnit.MILLISECONDS) == null;
      assertUnbroken();
      return nothing;
    }

    private void assertUnbroken() {
      Throwable t = broken.get();
      if (t != null) {
        throw new AssertionError("the event stream broke: " + t, t);
      }
    }

    @Override
    public void close() {
      closing = true;
      try {
        assertUnbroken();
      } finally {
        response.body().close();
      }
    }
  }
}
