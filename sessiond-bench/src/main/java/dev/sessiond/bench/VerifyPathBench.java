package dev.sessiond.bench;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.Tokens;
import dev.sessiond.core.store.SessionIndex;
import dev.sessiond.server.http.ClientNames;
import dev.sessiond.server.http.Json;
import dev.sessiond.server.wire.SessionData;
import dev.sessiond.server.wire.SessionState;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The pieces of GET /api/whoami: hash the token, find the session, name its client (cached), write SessionData as JSON. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VerifyPathBench {

  @Param({"100000"})
  int sessions;

  private SessionIndex index;
  private String[] tokens;
  private Session sample;
  private final Instant now = Instant.now();
  private final ClientNames clients = new ClientNames(Runnable::run);

  @Setup
  public void setup() {
    index = new SessionIndex();
    tokens = new String[sessions];
    Profile profile = Profile.member("bench");
    for (int i = 0; i < sessions; i++) {
      tokens[i] = Tokens.newToken();
      Session s = new Session(Tokens.newId(), "user-" + (i % 1000), Tokens.hash(tokens[i]), profile, now, now,
          now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(24)), "127.0.0.1", "Mozilla/5.0 bench");
      index.put(s);
      sample = s;
    }
    clients.prepare(sample.userAgent());
  }

  private String anyToken() {
    return tokens[ThreadLocalRandom.current().nextInt(tokens.length)];
  }

  @Benchmark
  public String hashToken() {
    return Tokens.hash(anyToken());
  }

  @Benchmark
  public Session hashAndLookUp() {
    return index.byToken(Tokens.hash(anyToken()), now);
  }

  @Benchmark
  public byte[] writeSessionDataJson() {
    return Json.encode(SessionData.of(sample, SessionState.NEVER_CONNECTED, clients.named(sample.userAgent()))).getBytes();
  }
}
