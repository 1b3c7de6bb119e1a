package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A real HTTP client for the server under test. Every answer is checked against
 * docs/openapi.yaml, and answers on neko's paths against neko's published document too.
 */
final class Api {

  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client;
  final int port;

  Api(int port) {
    this(port, null);
  }

  /** With {@code cookies}, the client keeps and sends cookies as a browser does. */
  Api(int port, java.net.CookieHandler cookies) {
    this.port = port;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    if (cookies != null) {
      b.cookieHandler(cookies);
    }
    this.client = b.build();
  }

  record Res(int status, String body, HttpHeaders headers) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    String message() {
      return json().path("message").asText();
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  Res get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  Res post(String path, String body, String... headers) {
    return send("POST", path, body, headers);
  }

  Res delete(String path, String... headers) {
    return send("DELETE", path, null, headers);
  }

  /** {@code headers} are name, value pairs. */
  Res send(String method, String path, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    boolean typed = false;
    for (int i = 0; i < headers.length; i += 2) {
      typed |= headers[i].equalsIgnoreCase("Content-Type");
    }
    if (body != null && !typed) {
      b.header("Content-Type", "application/json");
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      Res res = new Res(r.statusCode(), r.body(), r.headers());
      OpenApiCheck.check(method, URI.create(path).getRawPath(), res);
      if (res.status() >= 400) {
        // 503 is the documented answer while the store is away; any other 5xx is a bug.
        assertThat(res.status() < 500 || res.status() == 503).as("no 5xx but 503 may reach a client: " + res.body()).isTrue();
        // Pages for browsers (the login page) answer their errors as HTML; everything else is JSON.
        boolean page = res.header("Content-Type") != null && res.header("Content-Type").startsWith("text/html");
        assertThat(page || res.json().path("message").isTextual()).as("error body has a message: " + res.body()).isTrue();
      }
      return res;
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static String bearer(String token) {
    return "Bearer " + token;
  }

  /** Logs in and returns the token. */
  String login(String username, String password) {
    Res r = post("/api/login", "{\"username\":" + quote(username) + ",\"password\":" + quote(password) + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("token").asText();
  }

  /** Creates a session for {@code userId} with the API token and returns its JSON. */
  JsonNode createSession(String userId) {
    Res r = post("/api/sessions", "{\"user_id\":" + quote(userId) + "}", "Authorization", bearer(TestServer.API_TOKEN));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
