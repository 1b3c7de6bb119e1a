package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.store.redis.Ports;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/guides/redis.md's first steps as a reader follows them: a real redis-server and two
 * sessiond nodes from the jar, on this run's ports standing in for the guide's 6379, 8081 and
 * 8082; a session made on one node is known, and once revoked there refused, by the other.
 */
class RedisGuideIT {

  @TempDir
  Path dir;

  @Test
  void twoNodesOnOneRedisShareSessionsAsTheGuideShows() throws Exception {
    GuideSteps guide = GuideSteps.read(Path.of("../docs/guides/redis.md"));
    assertThat(guide.steps().get(0).commands()).contains("redis-server --port 6379").contains("./sessiond serve");
    guide.runAndCheck(dir, Map.of("6379", Integer.toString(Ports.free()), "8081", Integer.toString(Ports.free()),
        "8082", Integer.toString(Ports.free()), "localhost:", "127.0.0.1:"), Map.of("SESSIOND_HOST", "127.0.0.1"));
  }
}
