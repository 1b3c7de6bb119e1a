package dev.sessiond.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** docs/reference/configuration.md says what the code of {@code sessiond serve} declares, option for option. */
class ConfigurationReferenceTest {

  @Test
  void theConfigurationReferenceIsWhatTheOptionsOfServeSay() throws Exception {
    String generated = ConfigurationReference.markdown();
    if (Boolean.getBoolean("configuration.write")) {
      Files.writeString(ConfigurationReference.FILE, generated);
    }
    String onDisk = Files.exists(ConfigurationReference.FILE) ? Files.readString(ConfigurationReference.FILE) : "";
    assertThat(onDisk)
        .as("docs/reference/configuration.md is out of step with ServeCommand's options; write it again with%n  %s%n",
            ConfigurationReference.REGENERATE)
        .isEqualTo(generated);
  }

  @Test
  void everyOptionHasItsEnvironmentVariableAndADescription() {
    String md = ConfigurationReference.markdown();
    assertThat(md).contains("| `--port` | `SESSIOND_PORT` | `8080` | TCP port; 0 picks a free one. |")
        .contains("| `--admin-password` | `SESSIOND_ADMIN_PASSWORD` | (none) | ")
        .doesNotContain("DEFAULT-VALUE").doesNotContain("[SESSIOND_");
  }
}
