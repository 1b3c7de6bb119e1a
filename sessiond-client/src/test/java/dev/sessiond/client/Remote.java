package dev.sessiond.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls to a sessiond at {@code uri} with the test's API token. */
class Remote {

  static final String API_TOKEN = Sessiond.API_TOKEN;
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  final URI uri;

  Remote(URI uri) {
    this.uri = uri;
  }

  record Res(int status, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  Res call(String method, String path, String body, String bearer) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri.resolve(path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Res(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A call with the static API token that must answer {@code status}. */
  Res admin(String method, String path, String body, int status) {
    Res r = call(method, path, body, API_TOKEN);
    assertThat(r.status()).as(method + " " + path + ": " + r.body()).isEqualTo(status);
    return r;
  }

  /** A new session for {@code userId}: {id, token, ...}. */
  JsonNode session(String userId) {
    return admin("POST", "/api/sessions", "{\"user_id\":\"" + userId + "\"}", 201).json();
  }

  /** A new key's secret. */
  String key(String... scopes) {
    return admin("POST", "/api/keys", "{\"name\":\"client test\",\"scopes\":" + list(scopes) + "}", 201).json().get("key").asText();
  }

  private static String list(String... items) {
    try {
      return JSON.writeValueAsString(items);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
