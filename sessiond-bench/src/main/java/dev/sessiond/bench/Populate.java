package dev.sessiond.bench;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.Tokens;
import dev.sessiond.core.store.SessionStore;
import dev.sessiond.store.embedded.EmbeddedStore;
import dev.sessiond.store.redis.RedisConnection;
import dev.sessiond.store.redis.RedisSessionStore;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Fills a store with sessions before sessiond starts on it:
 * {@code populate <dataDir|redis://host:port> <sessions> <users> <tokensFile> <tokensToWrite> [heavyUserSessions]}.
 * Users are {@code user-<n>}; {@code heavy-user} gets the extra sessions. Writes the first
 * tokens, one per line as {@code <sessionId> <token>}, for the load tools.
 */
public final class Populate {

  private Populate() {}

  public static void main(String[] args) throws Exception {
    // args[0] is a data directory for the embedded store, or redis://host:port for Redis.
    Path dir = args[0].startsWith("redis://") ? null : Path.of(args[0]);
    int sessions = Integer.parseInt(args[1]);
    int users = Integer.parseInt(args[2]);
    Path tokensFile = Path.of(args[3]);
    int tokensToWrite = Integer.parseInt(args[4]);
    int heavy = args.length > 5 ? Integer.parseInt(args[5]) : 0;
    long start = System.nanoTime();
    Profile profile = Profile.member("bench");
    Instant now = Instant.now();
    boolean redis = args[0].startsWith("redis://");
    RedisConnection connection = redis ? RedisConnection.standalone(args[0]) : null;
    try (AutoCloseable closer = redis ? connection : EmbeddedStore.open(dir, Clock.systemUTC());
        BufferedWriter out = Files.newBufferedWriter(tokensFile)) {
      SessionStore store = redis ? new RedisSessionStore(connection, Clock.systemUTC()) : ((EmbeddedStore) closer).sessions();
      List<CompletableFuture<Void>> batch = new ArrayList<>();
      for (int i = 0; i < sessions + heavy; i++) {
        String user = i < sessions ? "user-" + (i % users) : "heavy-user";
        String token = store.newToken(user);
        Session s = new Session(store.newId(user), user, Tokens.hash(token), profile, now, now,
            now.plus(Duration.ofHours(23)), now.plus(Duration.ofHours(23)), "127.0.0.1", "bench");
        if (i < tokensToWrite) {
          out.write(s.id() + " " + token + "\n");
        }
        batch.add(store.create(s, dev.sessiond.core.events.Actor.API_TOKEN).toCompletableFuture());
        // Bounded in flight: Redis answers a few hundred creates at once well within the 2 s command timeout,
        // even on a busy machine; the first goes alone, so that Redis has the script before the rest ask for it.
        if (i == 0 || batch.size() == (redis ? 200 : 20_000)) {
          CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
          batch.clear();
        }
      }
      CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
    }
    System.out.printf("populated %d sessions (%d users, heavy-user %d) in %.1f s%n",
        sessions + heavy, users, heavy, (System.nanoTime() - start) / 1e9);
  }
}
