package dev.sessiond.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessiond.server.Config;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --admin-password-file, --api-token-file, --webhook-secret-file: one line of a file or of standard input. */
class SecretFlagsTest {

  @TempDir
  Path dir;

  private static Config parse(InputStream stdin, String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args);
    return serve.toConfig(stdin);
  }

  private static Config parse(String... args) {
    return parse(InputStream.nullInputStream(), args);
  }

  private static InputStream stdin(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private Path file(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void aSecretIsTheFilesOneLineWithoutItsLineBreak() throws Exception {
    Config c = parse("--admin-password-file", file("pw", "correct horse battery staple\n").toString(),
        "--api-token-file", file("token", "tok-0123456789\r\n").toString(),
        "--webhook-url", "http://127.0.0.1:9/hook",
        "--webhook-secret-file", file("hook", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").toString());
    assertThat(c.adminPassword()).isEqualTo("correct horse battery staple");
    assertThat(c.apiToken()).isEqualTo("tok-0123456789");
    assertThat(c.webhooks().secret()).isEqualTo("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    assertThat(parse("--admin-password-file", file("bare", " spaces kept ").toString()).adminPassword()).isEqualTo(" spaces kept ");
  }

  @Test
  void aDashReadsOneLineOfStandardInputForOneSecret() {
    Config c = parse(stdin("from-stdin\nnot read\n"), "--api-token-file", "-", "--admin-password", "pw");
    assertThat(c.apiToken()).isEqualTo("from-stdin");
    assertThat(c.adminPassword()).isEqualTo("pw");
    assertThatThrownBy(() -> parse(stdin("a\nb\n"), "--api-token-file", "-", "--admin-password-file", "-"))
        .hasMessageContaining("both read standard input");
    assertThatThrownBy(() -> parse(stdin(""), "--api-token-file", "-")).hasMessageContaining("standard input is empty");
  }

  @Test
  void aValueAndAFileForOneSecretAreRefused() throws Exception {
    String f = file("pw", "x\n").toString();
    assertThatThrownBy(() -> parse("--admin-password", "y", "--admin-password-file", f))
        .hasMessage("--admin-password and --admin-password-file are both given (as flags or as SESSIOND_ADMIN_PASSWORD "
            + "and SESSIOND_ADMIN_PASSWORD_FILE): give the secret one way only");
    assertThatThrownBy(() -> parse("--api-token", "y", "--api-token-file", f)).hasMessageContaining("SESSIOND_API_TOKEN_FILE");
  }

  @Test
  void anEmptyAMissingOrAMultiLineFileIsRefusedWithItsName() throws Exception {
    String empty = file("empty", "\n").toString();
    assertThatThrownBy(() -> parse("--api-token-file", empty)).hasMessage("--api-token-file " + empty + " is empty or blank");
    String missing = dir.resolve("missing").toString();
    assertThatThrownBy(() -> parse("--api-token-file", missing)).hasMessage("--api-token-file " + missing + ": no such file");
    String two = file("two", "a\nb\n").toString();
    assertThatThrownBy(() -> parse("--admin-password-file", two)).hasMessageContaining("holds more than one line");
  }

  @Test
  void withoutEitherThereIsNoSecretAsBefore() {
    Config c = parse();
    assertThat(c.adminPassword()).isNull();
    assertThat(c.apiToken()).isNull();
  }
}
