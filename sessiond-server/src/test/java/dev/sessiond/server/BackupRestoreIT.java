package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sessiond backup} (run as the command line runs it, in this JVM) beside a server under write load, then {@code sessiond restore} in its
 * place: the restored server holds every session acknowledged before the backup began, refuses
 * every one revoked before it, and its log has both; what was written after the backup ended is
 * not there. The server is
 * its own process, stopped with SIGTERM before the restore.
 */
class BackupRestoreIT {

  /** An acknowledged write: when its answer came (System.nanoTime). */
  private record Created(String token, long at) {}

  private final Map<String, Created> created = new ConcurrentHashMap<>();
  private final Map<String, Long> revoked = new ConcurrentHashMap<>();
  private final AtomicInteger creations = new AtomicInteger();

  @Test
  void aRestoredServerHasEverythingAcknowledgedBeforeTheBackupBegan(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Path backup = dir.resolve("backups").resolve("sessiond-backup.db");
    Files.createDirectories(backup.getParent());
    long began;
    long ended;
    String userGone = "backup-user-gone";
    List<String> userGoneTokens = new ArrayList<>();
    try (ServerProcess server = ServerProcess.serve(data)) {
      Api api = server.api();
      for (int i = 0; i < 3; i++) {
        userGoneTokens.add(api.createSession(userGone).get("token").asText());
      }
      assertThat(api.delete("/sessions/" + userGone, "Authorization", bearer(TestServer.API_TOKEN)).status())
          .isEqualTo(200);

      AtomicBoolean writing = new AtomicBoolean(true);
      ExecutorService threads = Executors.newFixedThreadPool(3);
      List<Future<?>> writers = new ArrayList<>();
      AtomicInteger users = new AtomicInteger();
      for (int t = 0; t < 3; t++) {
        writers.add(threads.submit(() -> {
          while (writing.get()) {
            write(api, "backup-user-" + users.incrementAndGet());
          }
          return null;
        }));
      }
      try {
        awaitCreations(40, writers);
        began = System.nanoTime();
        Cli copy = Cli.run("backup", "--data-dir", data.toString(), "--to", backup.toString());
        ended = System.nanoTime();
        assertThat(copy.exit()).as(copy.output()).isZero();
        assertThat(copy.output()).contains("backed up").contains("sessions");
        awaitCreations(creations.get() + 15, writers);   // up to 3 may have been answered before the backup ended
      } finally {
        writing.set(false);
        threads.shutdown();
      }
      for (Future<?> w : writers) {
        w.get(60, TimeUnit.SECONDS);   // rethrows a writer's failure: any answer but 201/204
      }

      Cli refused = Cli.run("restore", "--from", backup.toString(), "--data-dir", data.toString());
      assertThat(refused.exit()).isNotZero();
      assertThat(refused.output()).contains("in use").contains("stop the server before restoring");
      assertThat(data.resolve("sessiond.db.restoring")).doesNotExist();
      String still = api.createSession("backup-user-after-refusal").get("token").asText();
      assertThat(api.get("/api/whoami", "Authorization", bearer(still)).status())
          .as("the server runs on after the refused restore").isEqualTo(200);
    }

    Cli restore = Cli.run("restore", "--from", backup.toString(), "--data-dir", data.toString());
    assertThat(restore.exit()).as(restore.output()).isZero();
    assertThat(restore.output()).contains("restored").contains("before-restore-");
    try (Stream<Path> files = Files.list(data)) {
      Path aside = files.filter(p -> p.getFileName().toString().startsWith("before-restore-")).findFirst().orElseThrow();
      assertThat(aside.resolve("sessiond.db")).as("the replaced database is kept").exists();
    }

    Set<String> mustLive = new HashSet<>();
    Set<String> mustBeRefused = new HashSet<>();
    Set<String> absent = new HashSet<>();
    created.forEach((id, c) -> {
      Long end = revoked.get(id);
      if (c.at() < began && end != null && end < began) {
        mustBeRefused.add(id);
      } else if (c.at() < began && (end == null || end > ended)) {
        mustLive.add(id);
      } else if (c.at() > ended) {
        absent.add(id);
      }
    });
    assertThat(mustLive).hasSizeGreaterThanOrEqualTo(10);
    assertThat(mustBeRefused).hasSizeGreaterThanOrEqualTo(10);
    assertThat(absent).hasSizeGreaterThanOrEqualTo(10);

    try (ServerProcess server = ServerProcess.serve(data)) {
      Api api = server.api();
      for (String id : mustLive) {
        assertThat(api.get("/api/whoami", "Authorization", bearer(created.get(id).token())).status())
            .as("session acknowledged before the backup began").isEqualTo(200);
      }
      for (String id : mustBeRefused) {
        assertThat(api.get("/api/whoami", "Authorization", bearer(created.get(id).token())).status())
            .as("session revoked before the backup began").isEqualTo(401);
      }
      for (String token : userGoneTokens) {
        assertThat(api.get("/api/whoami", "Authorization", bearer(token)).status())
            .as("session of a user revoked before the backup began").isEqualTo(401);
      }
      for (String id : absent) {
        assertThat(api.get("/api/whoami", "Authorization", bearer(created.get(id).token())).status())
            .as("session created after the backup ended").isEqualTo(401);
      }
      Set<String> createdInLog = new HashSet<>();
      Set<String> revokedInLog = new HashSet<>();
      boolean userRevocationInLog = false;
      for (JsonNode e : EventIds.entries(api)) {
        String type = e.get("type").asText();
        if (type.equals("session.created")) {
          createdInLog.add(e.get("session_id").asText());
        } else if (type.equals("session.revoked") && e.has("session_id")) {
          revokedInLog.add(e.get("session_id").asText());
        } else if (type.equals("session.revoked") && userGone.equals(e.path("user_id").asText())) {
          userRevocationInLog = true;
        }
      }
      assertThat(createdInLog).containsAll(mustLive).containsAll(mustBeRefused).doesNotContainAnyElementsOf(absent);
      assertThat(revokedInLog).containsAll(mustBeRefused);
      assertThat(userRevocationInLog).as("the user's revocation before the backup is in the log").isTrue();
    }
  }

  /** {@code sessiond <args>} as {@link Main#main} runs it, without its exit: the exit code and what it printed. */
  private record Cli(int exit, String output) {
    static Cli run(String... args) {
      java.io.StringWriter out = new java.io.StringWriter();
      java.io.PrintWriter writer = new java.io.PrintWriter(out, true);
      picocli.CommandLine cli = Main.commandLine();
      cli.setOut(writer);
      cli.setErr(writer);
      int exit = cli.execute(args);
      return new Cli(exit, out.toString());
    }
  }

  /** Creates a session for {@code user}; every other one is revoked at once. Both answers are recorded when they come. */
  private void write(Api api, String user) {
    Api.Res r = api.post("/api/sessions", "{\"user_id\":" + Api.quote(user) + "}", "Authorization",
        bearer(TestServer.API_TOKEN));
    assertThat(r.status()).as("creation under load: " + r.body()).isEqualTo(201);
    String id = r.json().get("id").asText();
    created.put(id, new Created(r.json().get("token").asText(), System.nanoTime()));
    if (creations.incrementAndGet() % 2 == 0) {
      Api.Res d = api.delete("/api/sessions/" + id, "Authorization", bearer(TestServer.API_TOKEN));
      assertThat(d.status()).as("revocation under load: " + d.body()).isEqualTo(204);
      revoked.put(id, System.nanoTime());
    }
  }

  private void awaitCreations(int count, List<Future<?>> writers) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (creations.get() < count) {
      for (Future<?> w : writers) {
        if (w.isDone()) {
          w.get();   // a writer that failed says why
          throw new AssertionError("a writer stopped");
        }
      }
      assertThat(System.nanoTime()).as("%d creations within 120 s", count).isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
