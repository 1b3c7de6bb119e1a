package dev.sessiond.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * bench/run.sh --quick runs every scenario at toy sizes, so the harness never rots; all but the
 * Sentinel failover (bench/failover.sh, full runs only: RedisSentinelFailoverIT covers the failover).
 */
class BenchHarnessIT {

  @Test
  void theQuickBenchmarkRunsEveryScenario() throws Exception {
    Path out = Path.of("target/bench-quick.md").toAbsolutePath();
    Files.deleteIfExists(out);
    Process p = new ProcessBuilder("bash", "../bench/run.sh", "--quick", "--no-build", "--out", out.toString())
        .redirectErrorStream(true).redirectOutput(Path.of("target/bench-quick.log").toFile()).start();
    // A Sentinel failover (bench/failover.sh) adds about 30 s; on a busy 2-core machine the run took 299 s with it.
    assertThat(p.waitFor(7, TimeUnit.MINUTES)).as("finished within 7 minutes").isTrue();
    String log = Files.readString(Path.of("target/bench-quick.log"));
    assertThat(p.exitValue()).as(log).isZero();
    String report = Files.readString(out);
    for (String row : new String[] {"verify req/s", "CPU per request", "while logins run", "restart", "heap per live session",
        "first page", "deep page", "GET /sessions", "DELETE /sessions/heavy-user", "one fsync", "POST /sessions/clear",
        "heap per socket", "where the heap per socket goes", "disconnect call to close", "until the last", "heartbeat: server CPU", "where the heartbeat's CPU goes", "the kernel's floor", "verify req/s on Redis", "Redis memory per session",
        "POST /sessions/clear of", "cross-node disconnect", "Redis Cluster, 3 masters", "Spring Session peer", "webhook delivery lag",
        "wrong-password logins at once", "while 60-login bursts repeat",
        "server CPU per forward-auth check", "extra latency of the auth subrequest"}) {
      assertThat(report).contains(row);
    }
    assertThat(report).doesNotContain("| |  |").doesNotContain("peer n/a").contains("DeletedCount");
  }
}
