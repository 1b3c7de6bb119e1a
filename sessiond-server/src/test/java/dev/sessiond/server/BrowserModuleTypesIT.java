package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * clients/js/sessiond.d.ts checked by TypeScript: {@code npm ci} (the versions of
 * package-lock.json; skipped when node_modules was installed from this very lock file) then {@code tsc --noEmit} on types-check/usage.ts, what a typed front end
 * writes, including two uses that must not compile.
 */
class BrowserModuleTypesIT {

  static final Path CLIENT = Path.of("..", "clients", "js").toAbsolutePath().normalize();

  @Test
  void theTypesAcceptWhatAFrontEndWritesAndRefuseMistakes() throws Exception {
    // npm ci (which empties node_modules first) only when the lock file changed since the last one.
    Path lock = CLIENT.resolve("package-lock.json");
    Path installed = CLIENT.resolve("node_modules/.sessiond-lock");
    String wanted = Files.readString(lock);
    if (!Files.exists(installed) || !Files.readString(installed).equals(wanted)) {
      run(List.of("npm", "ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"));
      Files.writeString(installed, wanted);
    }
    run(List.of(CLIENT.resolve("node_modules/.bin/tsc").toString(), "--noEmit", "-p", "."));
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(CLIENT.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + new String(out, StandardCharsets.UTF_8)).isZero();
  }
}
