package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A seeded fuzzer of raw bytes: malformed HTTP requests over every route, method and kind of
 * credential, and malformed WebSocket frames, while well-behaved clients keep working. Prints
 * its seed; replay one with {@code -Dfuzz.seed=<seed>}, run longer with {@code -Dfuzz.cases=<n>}
 * (HTTP cases; a tenth as many WebSocket cases). Asserts: no 5xx, every error JSON, no
 * connection left hanging, no well-formed request dropped without an answer, WebSocket closes
 * with a close frame and an RFC 6455 code, the server alive, the well-behaved clients
 * undisturbed, no baseline session lost, and no ERROR line in the server's log.
 */
class FuzzIT extends OneServerPerClass {

  private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
  private static final int CASES = Integer.getInteger("fuzz.cases", 800);
  private static final int THREADS = 6;
  private static final long ANSWER_WITHIN_MS = 5000;

  private static final String[] ROUTES = {
    "/health", "/ready", "/metrics", "/api/stats", "/api/login", "/api/logout", "/api/whoami", "/api/sessions",
    "/api/sessions/{id}", "/api/sessions/{id}/disconnect", "/sessions", "/sessions/{id}", "/sessions/clear",
    "/api/members", "/api/members/{id}", "/api/members/{id}/password", "/api/ws", "/admin/", "/admin/app.js", "/",
    "/login", "/logout", "/api/forward-auth", "/api/me/sessions", "/api/me/sessions/{id}", "/api/me/sessions/revoke-others",
    "/api/me/password", "/api/events", "/nope", "/api", "/api/sessions/a/b/c"};
  private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE",
    "CONNECT", "FOO", "get", "G\u00e9T", "POST ", "M-SEARCH", ""};
  private static final String[] SAFE = {"GET", "HEAD", "OPTIONS"};
  private static final String[] CONTENT_TYPES = {"application/json", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=XyZ", "multipart/form-data", "text/plain", "application/json; charset=utf-16",
    "\u00ff\u00fe", ""};
  private static final String[] BODIES = {"{\"username\":\"fuzz\",\"password\":\"nope\"}", "{\"user_id\":\"fuzz-u\"}",
    "{\"user_id\":\"fuzz-u\",\"ttl\":-1}", "{\"username\":\"f\",\"password\":\"p\",\"profile\":{\"is_admin\":\"x\"}}",
    "{", "[]", "null", "=", "%", "a=%zz", "a=b&=c", "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--XyZ--\r\n",
    "--XyZ\r\nfoo", "\u0000\u0001\u0002", "{\"password\":\"" + "p".repeat(300) + "\"}", "\"\\ud800\"", ""};

  private final Random seeds = new Random(SEED);
  private final AtomicBoolean fuzzing = new AtomicBoolean(true);
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
  private final AtomicLong httpCases = new AtomicLong();
  /** WebSocket cases whose frames reached an open socket. */
  private final AtomicLong wsCases = new AtomicLong();
  /** WebSocket cases refused with 401 because an HTTP case had logged the fuzz's user out. */
  private final AtomicLong wsLoggedOut = new AtomicLong();
  private final AtomicLong wsPlanned = new AtomicLong();
  private volatile String userToken;
  private String revokedToken;

  @Test
  void malformedBytesAtScaleLeaveTheServerAndItsClientsWhole() throws Exception {
    System.out.println("FuzzIT seed=" + SEED + " cases=" + CASES + " (replay: -Dfuzz.seed=" + SEED + ")");
    try (LogCapture log = LogCapture.begin()) {
      List<String> baseline = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        baseline.add(api.createSession("fuzz-baseline-" + i).get("token").asText());
      }
      userToken = api.createSession("fuzz-user").get("token").asText();
      JsonNode revoked = api.createSession("fuzz-revoked");
      revokedToken = revoked.get("token").asText();
      api.delete("/api/sessions/" + revoked.get("id").asText(), "Authorization", bearer(admin));
      WsClient live = WsClient.connect(server.port(), baseline.get(0));
      live.next("system/init");

      ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
      Future<long[]> polite = pool.submit(() -> politeClient(baseline.get(1)));
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long threadSeed = seeds.nextLong();
        int share = CASES / THREADS + (t < CASES % THREADS ? 1 : 0);
        wsPlanned.addAndGet(share / 10);
        workers.add(pool.submit(() -> fuzz(new Random(threadSeed), share)));
      }
      for (Future<?> w : workers) {
        w.get(30, TimeUnit.MINUTES);
      }
      fuzzing.set(false);
      long[] politeStats = polite.get(1, TimeUnit.MINUTES);
      pool.shutdownNow();

      System.out.println("FuzzIT seed=" + SEED + ": " + httpCases.get() + " HTTP cases, " + wsCases.get()
          + " WebSocket cases (and " + wsLoggedOut.get() + " refused: the fuzz had logged its user out); well-behaved client: "
          + politeStats[0] + " requests, slowest " + politeStats[1] + " ms");
      assertThat(failures).as("seed " + SEED).isEmpty();
      // Every planned case ran, and most WebSocket cases got to send their frames: a fuzz whose
      // sockets were all refused would test nothing of the frame handling.
      assertThat(httpCases.get() + wsCases.get() + wsLoggedOut.get()).as("cases run").isEqualTo(CASES);
      assertThat(wsCases.get()).as("WebSocket cases that sent frames, of " + wsPlanned.get()).isGreaterThanOrEqualTo(wsPlanned.get() * 3 / 4);
      assertThat(api.get("/health").status()).isEqualTo(200);
      for (String token : baseline) {
        assertThat(api.get("/api/whoami", "Authorization", bearer(token)).status()).as("baseline session kept").isEqualTo(200);
      }
      assertThat(live.closed).as("the well-behaved socket stays open").isNotDone();
      live.send("{\"event\":\"client/heartbeat\"}");
      // A loose bound: the suite shares its machine; bench/run.sh measures the latency properly.
      assertThat(politeStats[1]).as("slowest well-behaved request, ms").isLessThan(5000);
      assertThat(log.errors()).as("ERROR lines in the server log (seed " + SEED + ")").isEmpty();
    }
  }

  /** A client that does everything right, timing each answer, until the fuzz ends. */
  private long[] politeClient(String token) throws InterruptedException {
    long count = 0;
    long slowest = 0;
    while (fuzzing.get()) {
      long start = System.nanoTime();
      Api.Res r = api.get("/api/whoami", "Authorization", bearer(token));
      slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      if (r.status() != 200) {
        failures.add("well-behaved client got " + r.status() + " " + r.body());
      }
      count++;
      Thread.sleep(20);
    }
    return new long[] {count, slowest};
  }

  private void fuzz(Random rnd, int cases) {
    for (int i = 0; i < cases && failures.size() < 20; i++) {
      long caseSeed = rnd.nextLong();
      try {
        if (i % 10 == 9) {
          (wsCase(new Random(caseSeed)) ? wsCases : wsLoggedOut).incrementAndGet();
        } else {
          httpCase(new Random(caseSeed));
          httpCases.incrementAndGet();
        }
      } catch (Exception | AssertionError e) {
        failures.add("case seed " + caseSeed + ": " + e);
      }
    }
  }

  // HTTP

  /** One request as bytes, and whether a server could rightly close without answering it. */
  /** The path of a request's target as the server routes it (origin or absolute form, no query). */
  private static String targetPath(byte[] bytes) {
    String head = new String(bytes, StandardCharsets.ISO_8859_1);
    int eol = head.indexOf("\r\n");
    String[] parts = (eol < 0 ? head : head.substring(0, eol)).split(" +");
    if (parts.length < 2) {
      return "";
    }
    String target = parts[1];
    int scheme = target.indexOf("://");
    if (scheme > 0) {
      int slash = target.indexOf('/', scheme + 3);
      target = slash < 0 ? "/" : target.substring(slash);
    }
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  private record Request(byte[] bytes, boolean mayGoUnanswered, boolean head, String label) {}

  private static <T> T pick(Random rnd, T[] from) {
    return from[rnd.nextInt(from.length)];
  }

  private String credential(Random rnd, String method, String route) {
    return switch (rnd.nextInt(10)) {
      case 0, 1 -> "";
      case 2 -> "Authorization: Bearer " + userToken + "\r\n";
      case 3 -> "Cookie: sessiond_session=" + userToken + "\r\n";
      case 4 -> "Authorization: Bearer " + revokedToken + "\r\n";
      case 5 -> "Authorization: " + pick(rnd, new String[] {"Bearer", "Bearer ", "Basic abc", "bearer x y", "Bearer \u00ff"}) + "\r\n";
      case 6 -> "Cookie: " + pick(rnd, new String[] {"sessiond_session=", "sessiond_session=%zz", "=;;", "sessiond_session=\"x"}) + "\r\n";
      case 7 -> "Authorization: Bearer " + "A".repeat(rnd.nextInt(3) == 0 ? 9000 : 43) + "\r\n";
      // The admin credentials only where they cannot end a baseline session.
      default -> java.util.Arrays.asList(SAFE).contains(method) || route.equals("/api/sessions") || route.equals("/api/members")
          ? "Authorization: Bearer " + (rnd.nextBoolean() ? admin : TestServer.API_TOKEN) + "\r\n" : "";
    };
  }

  private static String target(Random rnd, String route) {
    String id = pick(rnd, new String[] {"6b06123c3edaf488feeb1a0e", "x", "%zz", "%", "a%00b", "%E2%98%83", "..%2f..",
      "f".repeat(300), "%F0%9F%98%80", "fuzz-u", ""});
    String t = route.replace("{id}", id);
    switch (rnd.nextInt(8)) {
      case 0 -> t += "?" + pick(rnd, new String[] {"limit=%", "limit=-1", "limit=abc", "token=%zz", "%zz", "a=%zz",
        "user_id=" + id, "after=%", "limit=5&after=zz", "token=", "=&&=", "offset=99999999999999999999"});
      case 1 -> t = t.substring(1);
      case 2 -> t = rnd.nextBoolean() ? "http://127.0.0.1" + t : "*";
      case 3 -> t = t + pick(rnd, new String[] {"%", "%2", "/%zz", "\u00ff", "#frag", "//", "/.."});
      default -> { }
    }
    return t;
  }

  private Request httpRequest(Random rnd) {
    if (rnd.nextInt(40) == 0) {
      byte[] garbage = new byte[1 + rnd.nextInt(200)];
      rnd.nextBytes(garbage);
      return new Request(garbage, true, false, "garbage");
    }
    String route = pick(rnd, ROUTES);
    String method = pick(rnd, METHODS);
    boolean mayGoUnanswered = false;
    String version = "HTTP/1.1";
    switch (rnd.nextInt(25)) {
      case 0 -> version = "HTTP/1.0";
      case 1 -> version = "HTTP/9.9";
      case 2 -> version = "HTTP/2.0";
      case 3 -> { version = pick(rnd, new String[] {"HTTP/1.10", "HTTX/1.1", "", "HTTP/1.1 extra"}); mayGoUnanswered = true; }
      default -> { }
    }
    StringBuilder h = new StringBuilder();
    h.append(method).append(' ').append(target(rnd, route)).append(version.isEmpty() ? "" : " " + version).append("\r\n");
    if (rnd.nextInt(15) != 0) {
      h.append(pick(rnd, new String[] {"Host: 127.0.0.1\r\n", "Host: 127.0.0.1\r\n", "Host: \r\n", "Host: a b\r\n",
        "Host: x\r\nHost: y\r\n", "Host: [::1\r\n", "Host: x:99999\r\n"}));
    }
    h.append(credential(rnd, method, route));
    if (rnd.nextInt(6) == 0) {
      h.append(pick(rnd, new String[] {"X-Folded: a\r\n b\r\n", " folded-first\r\n", "Bad Header: x\r\n", "X: \u00ff\u0001\r\n",
        "Connection: close\r\n", "Connection: Upgrade\r\nUpgrade: websocket\r\n", "Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\nHTTP2-Settings: !!\r\n",
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: " + rnd.nextInt(20) + "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
        "Expect: 100-continue\r\n", "Expect: nonsense\r\n", "Origin: https://evil.example\r\n", "Sec-Fetch-Site: cross-site\r\n",
        "X-Forwarded-For: \u00ff, ::1\r\n", "Content-Encoding: gzip\r\n"}));
      if (h.indexOf(" folded-first") >= 0 || h.indexOf("Bad Header") >= 0) {
        mayGoUnanswered = true;
      }
    }
    byte[] body = new byte[0];
    boolean hasBody = rnd.nextInt(3) != 0;
    if (hasBody) {
      String ct = pick(rnd, CONTENT_TYPES);
      if (!ct.isEmpty()) {
        h.append("Content-Type: ").append(ct).append("\r\n");
      }
      body = (rnd.nextInt(30) == 0 ? "{\"user_id\":\"" + "x".repeat(70 * 1024) + "\"}" : pick(rnd, BODIES))
          .getBytes(StandardCharsets.UTF_8);
      switch (rnd.nextInt(12)) {
        case 0 -> {
          // chunked, sometimes broken
          String size = rnd.nextBoolean() ? Integer.toHexString(body.length) : pick(rnd, new String[] {"zz", "-1", "", "fffffffffffffffff"});
          h.append("Transfer-Encoding: chunked\r\n\r\n");
          byte[] head = h.toString().getBytes(StandardCharsets.UTF_8);
          byte[] chunk = (size + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
          return new Request(Raw.concat(head, chunk, body, "\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)), true,
              method.equals("HEAD"), "chunked");
        }
        case 1 -> {
          h.append("Content-Length: ").append(pick(rnd, new String[] {"-1", "abc", "1, 2", "99999999999999999999"})).append("\r\n");
          mayGoUnanswered = true;
        }
        case 2 -> {
          h.append("Content-Length: ").append(body.length + 1 + rnd.nextInt(5)).append("\r\n");
          mayGoUnanswered = true;
        }
        default -> h.append("Content-Length: ").append(body.length).append("\r\n");
      }
    }
    h.append("\r\n");
    return new Request(Raw.concat(h.toString().getBytes(StandardCharsets.UTF_8), body), mayGoUnanswered,
        method.equals("HEAD"), method + " " + route);
  }

  private void httpCase(Random rnd) throws IOException {
    Request req = httpRequest(rnd);
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout((int) ANSWER_WITHIN_MS);
      boolean cutOff = false;
      try {
        socket.getOutputStream().write(req.bytes());
        socket.getOutputStream().flush();
      } catch (IOException e) {
        // The server closed while the request was still being sent (bytes it would not read):
        // that close may be its whole answer, but whatever it sent before is checked below.
        cutOff = true;
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      String where = req.label() + " / " + printable(req.bytes());
      try {
        readResponse(in, got, req.head());
      } catch (SocketTimeoutException e) {
        if (got.size() > 0 || !req.mayGoUnanswered()) {
          throw new AssertionError("no complete answer within " + ANSWER_WITHIN_MS + " ms: " + where + " -> " + got);
        }
        // An incomplete request: the server may wait for the rest; once we stop sending it must
        // close, with or without an answer (which is checked below like any other).
        socket.shutdownOutput();
        try {
          readToClose(in, got);
        } catch (SocketTimeoutException e2) {
          throw new AssertionError("connection left hanging after the client stopped: " + where + " -> " + got);
        } catch (IOException reset) {
          // a close
        }
      } catch (IOException e) {
        // reset: a close
      }
      byte[] answer = got.toByteArray();
      if (answer.length == 0) {
        if (!req.mayGoUnanswered() && !cutOff) {
          throw new AssertionError("closed without an answer: " + where);
        }
        return;
      }
      String text = new String(answer, StandardCharsets.ISO_8859_1);
      int status = new Raw.Answer(answer, true).status();
      if (!text.startsWith("HTTP/1.1 ") && !text.startsWith("HTTP/1.0 ") || status < 0) {
        throw new AssertionError("not an HTTP/1 answer: " + where + " -> " + printable(answer));
      }
      if (status >= 500) {
        throw new AssertionError(status + ": " + where + " -> " + text);
      }
      if (status >= 400 && !req.head()) {
        Raw.Answer a = new Raw.Answer(answer, true);
        String ct = a.header("Content-Type");
        // The sign-in page (/login, /logout) answers a browser's form with HTML by design.
        // The router matches a path with repeated slashes collapsed and one trailing slash
        // dropped (POST /login// is the sign-in page too).
        String target = targetPath(req.bytes()).replaceAll("/{2,}", "/");
        if (target.length() > 1 && target.endsWith("/")) {
          target = target.substring(0, target.length() - 1);
        }
        boolean page = target.equals("/login") || target.equals("/logout");
        if (page && ct != null && ct.startsWith("text/html")) {
          return;
        }
        if (ct == null || !ct.startsWith("application/json")) {
          throw new AssertionError("error without JSON: " + where + " -> " + text);
        }
        JsonNode body = Api.JSON.readTree(a.body());
        if (!body.path("message").isTextual()) {
          throw new AssertionError("error without a message: " + where + " -> " + text);
        }
      }
    }
  }

  /** Reads until the server closes the connection; a SocketTimeoutException when it does not. */
  private static void readToClose(InputStream in, ByteArrayOutputStream got) throws IOException {
    int c;
    while ((c = in.read()) >= 0) {
      got.write(c);
    }
  }

  /** Reads one response: its head, then Content-Length bytes (none for HEAD, 1xx, 204, 304) or to the close. */
  private static void readResponse(InputStream in, ByteArrayOutputStream got, boolean head) throws IOException {
    int c;
    while (!got.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      if ((c = in.read()) < 0) {
        return;
      }
      got.write(c);
    }
    Raw.Answer a = new Raw.Answer(got.toByteArray(), false);
    int status = a.status();
    if (status == 101) {
      return; // an upgrade that went through: an answer
    }
    if (status == 100) {
      got.reset();
      readResponse(in, got, head);
      return;
    }
    String length = a.header("Content-Length");
    if (head || status == 204 || status == 304) {
      return;
    }
    if (length != null) {
      int n = Integer.parseInt(length);
      for (int i = 0; i < n && (c = in.read()) >= 0; i++) {
        got.write(c);
      }
      return;
    }
    if ("chunked".equalsIgnoreCase(a.header("Transfer-Encoding"))) {
      // streamed answers (GET /sessions) end with a zero chunk
      while (!got.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n") && (c = in.read()) >= 0) {
        got.write(c);
      }
      return;
    }
    while ((c = in.read()) >= 0) {
      got.write(c);
    }
  }

  // WebSocket

  private static final int[] OPCODES = {0, 1, 1, 1, 2, 3, 7, 8, 8, 9, 10, 0xB, 0xF};

  private byte[] wsPayload(Random rnd, int opcode) {
    return switch (rnd.nextInt(9)) {
      case 0 -> new byte[] {(byte) 0xff, (byte) 0xfe, 'x'};
      case 1 -> new byte[126 + rnd.nextInt(10)];
      case 2 -> ("{\"event\":\"x\",\"payload\":\"" + "a".repeat(70 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
      case 3 -> {
        int code = pick(rnd, new Integer[] {1000, 1001, 1002, 1005, 1006, 1015, 3000, 4999, 5000, 65535, 0, 999});
        yield opcode == 8 ? new byte[] {(byte) (code >> 8), (byte) code, 'b', 'y', 'e'} : "{\"event\":\"client/heartbeat\"}".getBytes(StandardCharsets.UTF_8);
      }
      case 4 -> new byte[] {3};
      case 5 -> {
        byte[] b = new byte[rnd.nextInt(64)];
        rnd.nextBytes(b);
        yield b;
      }
      default -> "{\"event\":\"client/heartbeat\"}".getBytes(StandardCharsets.UTF_8);
    };
  }

  /**
   * One WebSocket case; false when the upgrade was refused because the fuzz's own HTTP cases had
   * logged its user out (then with a fresh session for the next cases). Any other refusal fails.
   */
  private boolean wsCase(Random rnd) throws Exception {
    String token = userToken;
    Raw.Ws ws;
    try {
      ws = new Raw.Ws(server.port(), token, rnd.nextInt(3) == 0 ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : "");
    } catch (IOException refused) {
      // Raw.Ws says "upgrade refused: <the answer's head>" when the server answered with a status.
      boolean unauthorized = String.valueOf(refused.getMessage()).startsWith("upgrade refused: HTTP/1.1 401 ");
      int whoami = api.get("/api/whoami", "Authorization", bearer(token)).status();
      if (!unauthorized || whoami != 401) {
        throw new AssertionError("WebSocket handshake failed (whoami with the same token: " + whoami + "): " + refused, refused);
      }
      userToken = api.createSession("fuzz-user").get("token").asText();
      return false;
    }
    try (ws) {
      int frames = 1 + rnd.nextInt(4);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int i = 0; i < frames; i++) {
        int opcode = OPCODES[rnd.nextInt(OPCODES.length)];
        int rsv = rnd.nextInt(6) == 0 ? 1 + rnd.nextInt(7) : 0;
        out.writeBytes(Raw.frame(opcode, wsPayload(rnd, opcode), rnd.nextInt(5) != 0, rsv, rnd.nextInt(12) != 0));
      }
      try {
        ws.send(out.toByteArray());
        // Then a clean close: whatever state the fuzz left, the server must end the socket with a close frame.
        ws.send(Raw.frame(8, new byte[] {0x03, (byte) 0xe8}));
      } catch (IOException e) {
        // the server closed first; what it sent before is read below
      }
      Raw.Answer a = ws.read(ANSWER_WITHIN_MS);
      String where = "frames " + printable(out.toByteArray());
      if (!a.closed()) {
        throw new AssertionError("WebSocket not closed within " + ANSWER_WITHIN_MS + " ms of a close frame: " + where);
      }
      List<Raw.Frame> closes = Raw.frames(a.bytes()).stream().filter(f -> f.opcode() == 8).toList();
      if (closes.size() != 1) {
        throw new AssertionError(closes.size() + " close frames: " + where);
      }
      int code = closes.get(0).closeCode();
      boolean valid = code == 1000 || code == 1001 || code == 1002 || code == 1003 || (code >= 1007 && code <= 1014)
          || (code >= 3000 && code <= 4999);
      if (!valid) {
        throw new AssertionError("close code " + code + ": " + where);
      }
    }
    return true;
  }

  private static String printable(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(bytes.length, 300); i++) {
      int b = bytes[i] & 0xff;
      s.append(b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b));
    }
    return bytes.length > 300 ? s + "...(" + bytes.length + " bytes)" : s.toString();
  }
}
