package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issues 11's and 21's reproducers, byte for byte over raw sockets: each gets a JSON 4xx (or,
 * for HTTP/1.x spelt otherwise than {@code HTTP/1.1} or {@code HTTP/1.0}, an empty 501; for bytes
 * that are not HTTP/1, a close), the connection is kept or closed as HTTP says, nothing hangs,
 * WebSocket protocol errors get RFC 6455's close code, and none of it is an ERROR in the log.
 */
class BadBytesIT extends OneServerPerClass {

  private static final long QUIET = 1500;
  private static LogCapture log;

  @BeforeAll
  static void captureLog() {
    log = LogCapture.begin();
  }

  @AfterAll
  static void noErrorWasLogged() {
    try {
      assertThat(log.errors()).as("ERROR lines for client mistakes").isEmpty();
    } finally {
      log.close();
    }
  }

  private static Raw.Answer send(String request) throws IOException {
    return Raw.exchangeThenProbe(server.port(), request, QUIET);
  }

  /** A JSON {"message"} answer with {@code status}; the connection kept open (keep-alive) or closed as said. */
  private static void expectJson(Raw.Answer a, int status, boolean closed) throws IOException {
    assertThat(a.status()).as(a.text()).isEqualTo(status);
    assertThat(a.header("Content-Type")).as(a.text()).startsWith("application/json");
    JsonNode body = Api.JSON.readTree(a.body());
    assertThat(body.path("message").asText()).as(a.text()).isNotBlank();
    assertThat(a.closed()).as("connection closed: " + a.text()).isEqualTo(closed);
  }

  private static String post(String target, String contentType, String body) {
    byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
    return "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType + "\r\nContent-Length: " + b.length
        + "\r\n\r\n" + body;
  }

  @Test
  void aRequestWithoutHostIs400() throws Exception {
    expectJson(send("GET /health HTTP/1.1\r\n\r\n"), 400, false);
  }

  @Test
  void foldedHeaderLinesAreUnfoldedOrRefusedNeverA500() throws Exception {
    Raw.Answer a = send("GET /health HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n");
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    Raw.Answer foldedHost = send("GET /health HTTP/1.1\r\nHost: x\r\n y\r\n\r\n");
    assertThat(foldedHost.status()).as(foldedHost.text()).isBetween(200, 499);
    Raw.Answer foldedFirst = send("GET /health HTTP/1.1\r\n x\r\nHost: x\r\n\r\n");
    assertThat(foldedFirst.status()).as(foldedFirst.text()).isBetween(200, 499);
  }

  @Test
  void aBadPercentEscapeInThePathOrTheQueryIs400() throws Exception {
    expectJson(send("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n"), 400, false);
    expectJson(send("GET /health?%zz HTTP/1.1\r\nHost: x\r\n\r\n"), 400, false);
    expectJson(send("GET /api/sessions?limit=% HTTP/1.1\r\nHost: x\r\n\r\n"), 400, false);
    expectJson(send("GET /api/whoami?token=%zz HTTP/1.1\r\nHost: x\r\n\r\n"), 400, false);
  }

  @Test
  void aRequestTargetThatIsNotAPathIs400() throws Exception {
    expectJson(send("GET ?x HTTP/1.1\r\nHost: x\r\n\r\n"), 400, false);
  }

  @Test
  void formAndMultipartBodiesAre400OnAnyRoute() throws Exception {
    for (String body : List.of("=", "%", "a=%zz")) {
      expectJson(send(post("/health", "application/x-www-form-urlencoded", body)), 400, false);
      expectJson(send(post("/api/login", "application/x-www-form-urlencoded", body)), 400, false);
    }
    expectJson(send(post("/api/login", "multipart/form-data; boundary=XX", "--YY\r\nfoo\r\n")), 400, false);
    Raw.Answer longBoundary = send(post("/health", "multipart/form-data; boundary=" + "B".repeat(5000), "--YY\r\nfoo\r\n"));
    assertThat(longBoundary.status()).as(longBoundary.text()).isBetween(400, 499);
    expectJson(longBoundary, longBoundary.status(), longBoundary.closed());
  }

  @Test
  void aFormBodyWithABadQueryIsAnsweredNotLeftHanging() throws Exception {
    expectJson(send(post("/health?a=%zz", "application/x-www-form-urlencoded", "a=b")), 400, false);
  }

  @Test
  void anH2cUpgradeIsIgnoredAndTheRequestServedAsHttp11() throws Exception {
    Raw.Answer a = send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
        + "HTTP2-Settings: !!!\r\n\r\n");
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    assertThat(a.text()).doesNotContain(" 101 ");
  }

  // Request-line versions (VersionCheck says which earns what). A refusal closes the connection,
  // so these read until the close, with a quiet period long enough for a loaded machine.

  private static final String NOT_IMPLEMENTED = "HTTP/1.1 501 Not Implemented\r\nConnection: close\r\ncontent-length: 0\r\n\r\n";

  private static String json400(String message) {
    String body = "{\"message\":\"" + message + "\"}";
    return "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\ncontent-length: "
        + body.length() + "\r\n\r\n" + body;
  }

  private static final String UNSUPPORTED = json400("unsupported HTTP version; this server speaks HTTP/1.1");

  /** The whole answer to {@code requestLine} with a Host header, byte for byte, and that the server closed after it. */
  private static void expectRefusal(String requestLine, String answer) throws IOException {
    Raw.Answer a = Raw.exchange(server.port(), requestLine + "\r\nHost: a\r\n\r\n", 10_000);
    assertThat(a.text()).as("answer to [%s]", requestLine).isEqualTo(answer);
    assertThat(a.closed()).as("closed after [%s]", requestLine).isTrue();
  }

  @Test
  void anHttp1VersionSpeltOtherwiseIs501WithAnEmptyBodyThenClosed() throws Exception {
    for (String version : List.of("http/1.1", "Http/1.1", "hTtP/1.1", "http/1.0", "HTTP/01.1", "HTTP/1.01")) {
      expectRefusal("GET /x " + version, NOT_IMPLEMENTED);
    }
    expectRefusal("POST /api/login http/1.1", NOT_IMPLEMENTED);
  }

  @Test
  void everyOtherVersionTheServerDoesNotSpeakIsAJson400OnAnHttp11StatusLineThenClosed() throws Exception {
    List<String> read = List.of("HTTP/1.2", "HTTP/2.0", "HTTP/0.9", "HTTP/9.9", "http/2.0", "HTTP/1.10", "HTTX/1.1", "FOO/1.1");
    List<String> refused = List.of("HTTP/1", "HTTP/1.", "HTTP/.1", "HTTP1.1", "HTTP/1.1x", "HTTP/+1.1", "garbage",
        "HTTP/1 .1", "HTTP/ 1.1", "HTTP/1.1 extra", "http/1.1 extra");
    for (String version : read) {
      expectRefusal("GET /x " + version, UNSUPPORTED);
    }
    for (String version : refused) {
      expectRefusal("GET /x " + version, UNSUPPORTED);
    }
    expectRefusal("GET /x", UNSUPPORTED);
  }

  @Test
  void aRequestLineEndingInWhitespaceIsAMalformedRequestNotAVersion() throws Exception {
    for (String line : List.of("GET /x ", "GET /x HTTP/1.1 ", "GET /x HTTP/1.1\t", "GET /x http/1.1 ")) {
      expectRefusal(line, json400("malformed HTTP request"));
    }
  }

  @Test
  void aRequestPipelinedBehindARefusedVersionIsNotServed() throws Exception {
    String health = "GET /health HTTP/1.1\r\nHost: a\r\n\r\n";
    String ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 15\r\n\r\n{\"status\":\"ok\"}";
    for (String[] refusal : new String[][] {{"http/1.1", NOT_IMPLEMENTED}, {"HTTP/9.9", UNSUPPORTED}, {"HTTP/1.1x", UNSUPPORTED}}) {
      Raw.Answer a = Raw.exchange(server.port(), health + "GET /health " + refusal[0] + "\r\nHost: a\r\n\r\n" + health, 10_000);
      assertThat(a.text()).as(refusal[0]).isEqualTo(ok + refusal[1]);
      assertThat(a.closed()).as(refusal[0]).isTrue();
    }
  }

  @Test
  void exactHttp11AndHttp10AreServed() throws Exception {
    for (String version : List.of("HTTP/1.1", "HTTP/1.0")) {
      Raw.Answer a = Raw.exchange(server.port(), "GET /health " + version + "\r\nHost: a\r\nConnection: close\r\n\r\n", 10_000);
      assertThat(a.text()).startsWith(version + " 200 OK\r\n").endsWith("{\"status\":\"ok\"}");
    }
  }

  @Test
  void http2BytesAndTlsBytesGetA400OrACloseNeverAHang() throws Exception {
    byte[] preface = Raw.concat("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
        new byte[] {0, 0, 0x12, 4, 0, 0, 0, 0, 0}, "garbage".getBytes(StandardCharsets.ISO_8859_1));
    Raw.Answer h2 = Raw.exchange(server.port(), preface, QUIET);
    assertThat(h2.closed()).isTrue();
    assertThat(h2.status()).isEqualTo(400);
    Raw.Answer tls = Raw.exchange(server.port(), new byte[] {0x16, 3, 1, 0, (byte) 0xa5, 1, 0, 0, (byte) 0xa1, 3, 3}, QUIET);
    assertThat(tls.closed()).isTrue();
    assertThat(tls.status()).isIn(-1, 400);
  }

  @Test
  void aMalformedChunkedBodyClosesTheConnectionWithoutA5xx() throws Exception {
    Raw.Answer a = send("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
    assertThat(a.closed()).isTrue();
    assertThat(a.status()).isIn(-1, 400);
  }

  @Test
  void aClientThatLeavesMidBodyIsNotAnError() throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
      s.getOutputStream().write(("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 1000\r\n\r\n{\"username\":").getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      Thread.sleep(200);
    }
    Thread.sleep(300);
    assertThat(api.get("/health").status()).isEqualTo(200);
  }

  @Test
  void webSocketHandshakeRefusalsAreJson() throws Exception {
    String head = "GET /api/ws?token=" + admin + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n";
    Raw.Answer version = send(head + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 7\r\n\r\n");
    expectJson(version, 426, false);
    assertThat(version.header("Sec-WebSocket-Version")).isEqualTo("13");
    expectJson(send(head + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n"), 400, false);
    expectJson(send(head + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"), 400, false);
  }

  // WebSocket protocol errors: RFC 6455 section 7.4.1's codes in a close frame, then the TCP close.

  private static final byte[] HELLO = "{\"event\":\"client/heartbeat\"}".getBytes(StandardCharsets.UTF_8);

  private static int closeCodeAfter(byte[] bytes, String extraHeaders) throws Exception {
    try (Raw.Ws ws = new Raw.Ws(server.port(), admin, extraHeaders)) {
      ws.send(bytes);
      Raw.Answer a = ws.read(5000);
      assertThat(a.closed()).as("the server closed the TCP connection").isTrue();
      List<Raw.Frame> closes = Raw.frames(a.bytes()).stream().filter(f -> f.opcode() == 8).toList();
      assertThat(closes).as("one close frame").hasSize(1);
      return closes.get(0).closeCode();
    }
  }

  private static int closeCodeAfter(byte[] bytes) throws Exception {
    return closeCodeAfter(bytes, "");
  }

  private static byte[] bigMessage(int bytes) {
    return ("{\"event\":\"x\",\"payload\":\"" + "a".repeat(bytes) + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void webSocketProtocolErrorsGet1002() throws Exception {
    assertThat(closeCodeAfter(Raw.frame(1, HELLO, true, 0, false))).as("unmasked").isEqualTo(1002);
    assertThat(closeCodeAfter(Raw.frame(3, HELLO))).as("reserved opcode").isEqualTo(1002);
    assertThat(closeCodeAfter(Raw.frame(0xB, HELLO))).as("reserved control opcode").isEqualTo(1002);
    assertThat(closeCodeAfter(Raw.frame(9, new byte[126]))).as("ping over 125 bytes").isEqualTo(1002);
    assertThat(closeCodeAfter(Raw.frame(9, new byte[1], false, 0, true))).as("fragmented ping").isEqualTo(1002);
    assertThat(closeCodeAfter(Raw.frame(0, HELLO))).as("continuation without a start").isEqualTo(1002);
    assertThat(closeCodeAfter(Raw.frame(8, new byte[] {3}))).as("one-byte close payload").isEqualTo(1002);
    assertThat(closeCodeAfter(Raw.frame(1, HELLO, true, 2, true))).as("RSV2 without extension").isEqualTo(1002);
    assertThat(closeCodeAfter(Raw.frame(1, HELLO, true, 4, true))).as("RSV1 without deflate").isEqualTo(1002);
  }

  @Test
  void closeCodesAPeerMayNotSendAreAnswered1002NotEchoed() throws Exception {
    for (int code : new int[] {5000, 65535, 1005, 1006, 1015, 999, 0, 1004, 2999}) {
      byte[] payload = {(byte) (code >> 8), (byte) code};
      assertThat(closeCodeAfter(Raw.frame(8, payload))).as("client close code " + code).isEqualTo(1002);
    }
    assertThat(closeCodeAfter(Raw.frame(8, new byte[] {0x03, (byte) 0xe8}))).as("1000 is echoed").isEqualTo(1000);
    assertThat(closeCodeAfter(Raw.frame(8, new byte[] {0x0f, (byte) 0xa0}))).as("4000 is echoed").isEqualTo(4000);
  }

  @Test
  void invalidUtf8InATextMessageGets1007() throws Exception {
    byte[] bad = {'{', '"', 'e', 'v', 'e', 'n', 't', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};
    assertThat(closeCodeAfter(Raw.frame(1, bad))).isEqualTo(1007);
  }

  @Test
  void messagesOverTheLimitGet1009HoweverTheyArrive() throws Exception {
    byte[] big = bigMessage(70 * 1024);
    assertThat(closeCodeAfter(Raw.frame(1, big))).as("one frame").isEqualTo(1009);
    assertThat(closeCodeAfter(Raw.frame(1, bigMessage(300 * 1024)))).as("one frame over the frame limit").isEqualTo(1009);
    byte[] first = java.util.Arrays.copyOfRange(big, 0, 40_000);
    byte[] rest = java.util.Arrays.copyOfRange(big, 40_000, big.length);
    assertThat(closeCodeAfter(Raw.concat(Raw.frame(1, first, false, 0, true), Raw.frame(0, rest))))
        .as("fragments").isEqualTo(1009);
    assertThat(closeCodeAfter(Raw.frame(1, deflate(bigMessage(500 * 1024)), true, 4, true),
        "Sec-WebSocket-Extensions: permessage-deflate\r\n")).as("inflated").isEqualTo(1009);
  }

  @Test
  void dataThatDoesNotInflateGets1007() throws Exception {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 'g', 'a', 'r', 'b', 'a', 'g', 'e'};
    assertThat(closeCodeAfter(Raw.frame(1, garbage, true, 4, true), "Sec-WebSocket-Extensions: permessage-deflate\r\n"))
        .isEqualTo(1007);
  }

  @Test
  void aWellFormedDeflatedMessageIsAccepted() throws Exception {
    try (Raw.Ws ws = new Raw.Ws(server.port(), admin, "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
      assertThat(ws.head).containsIgnoringCase("permessage-deflate");
      ws.send(Raw.frame(1, deflate(HELLO), true, 4, true));
      Raw.Answer a = ws.read(800);
      assertThat(a.closed()).isFalse();
    }
  }

  /** permessage-deflate's framing (RFC 7692): raw deflate, sync-flushed, without the final 00 00 ff ff. */
  private static byte[] deflate(byte[] data) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(data);
    byte[] buf = new byte[data.length + 1024];
    int n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
    d.end();
    return java.util.Arrays.copyOf(buf, n - 4);
  }
}
