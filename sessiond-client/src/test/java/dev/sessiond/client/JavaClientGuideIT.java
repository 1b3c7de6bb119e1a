package dev.sessiond.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client guide's code (docs/guides/java-client.md), run against the real server; the
 * guide must show the lines between the markers unchanged, with the server's address in place of
 * the guide's {@code URI.create("http://127.0.0.1:8080")}.
 */
class JavaClientGuideIT {

  private static final Path GUIDE = Path.of("..", "docs", "guides", "java-client.md");
  private static final Path SELF = Path.of("src", "test", "java", "dev", "sessiond", "client", "JavaClientGuideIT.java");

  @TempDir
  Path dir;

  @Test
  void theGuidesCodeVerifiesASessionFromItsToken() throws Exception {
    try (Sessiond server = Sessiond.embedded(dir)) {
      String key = server.key("verify");
      String token = server.session("shop:alice").get("token").asText();
      // guide:start
      // key: an API key with the verify scope (an admin's POST /api/keys {"name": "shop", "scopes": ["verify"]} answers it)
      SessiondClient client = SessiondClient.builder(server.uri).apiKey(key).build();
      Optional<VerifiedSession> s = client.verify(token);   // id(), userId(), profile(), expiresAt()
      CompletableFuture<Optional<VerifiedSession>> later = client.verifyAsync(token);
      client.close();
      // guide:end
      assertThat(s.orElseThrow().userId()).isEqualTo("shop:alice");
      assertThat(later.get(10, TimeUnit.SECONDS)).contains(s.get());
    }
  }

  @Test
  void theGuideShowsTheCodeThisTestRuns() throws IOException {
    List<String> run = new ArrayList<>();
    boolean in = false;
    for (String line : Files.readAllLines(SELF)) {
      if (line.strip().equals("// guide:end")) {
        break;
      }
      if (in) {
        run.add(line.strip().replace("builder(server.uri)", "builder(URI.create(\"http://127.0.0.1:8080\"))"));
      }
      in |= line.strip().equals("// guide:start");
    }
    String guide = Files.readString(GUIDE);
    int start = guide.indexOf("```java\n") + "```java\n".length();
    List<String> shown = guide.substring(start, guide.indexOf("```", start)).strip().lines().map(String::strip).toList();
    assertThat(run).hasSize(5);
    assertThat(shown).isEqualTo(run);
  }
}
