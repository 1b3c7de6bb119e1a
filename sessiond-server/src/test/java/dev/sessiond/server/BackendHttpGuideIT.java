package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/guides/backend-http.md as a reader follows it: its {@code sh} blocks in order, against the
 * jar the build made, on this run's port standing in for the guide's 8080; each block prints what
 * the guide shows after it.
 */
class BackendHttpGuideIT {

  @TempDir
  Path dir;

  @Test
  void everyStepOfTheBackendGuideRunsAsWrittenAndPrintsWhatTheGuideShows() throws Exception {
    GuideSteps guide = GuideSteps.read(Path.of("../docs/guides/backend-http.md"));
    assertThat(guide.steps()).hasSizeGreaterThan(4);
    assertThat(guide.steps().get(0).commands()).contains("./sessiond serve");
    int port = dev.sessiond.store.redis.Ports.free();
    guide.runAndCheck(dir, Map.of("localhost:8080", "127.0.0.1:" + port), Map.of(
        "SESSIOND_HOST", "127.0.0.1", "SESSIOND_PORT", Integer.toString(port),
        "SESSIOND_DATA_DIR", dir.resolve("data").toString()));
  }
}
