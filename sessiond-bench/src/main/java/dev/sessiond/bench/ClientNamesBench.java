package dev.sessiond.bench;

import dev.sessiond.server.http.ClientNames;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Naming a session's client (the {@code client} field): a User-Agent seen before (the cache)
 * and one never seen (ua-parser's regexes, which a browser matches early and an unknown agent
 * only after trying every pattern).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ClientNamesBench {

  private static final String CHROME =
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

  private final ClientNames names = new ClientNames(Runnable::run);
  private long n;

  @Benchmark
  public String seenBefore() {
    return name(CHROME);
  }

  private String name(String userAgent) {
    names.prepare(userAgent).toCompletableFuture().join();   // parses here: the executor is Runnable::run
    return names.named(userAgent);
  }

  @Benchmark
  public String newBrowser() {
    return name(CHROME + " n/" + n++);
  }

  @Benchmark
  public String newUnknownAgent() {
    return name("some-agent/" + n++);
  }
}
