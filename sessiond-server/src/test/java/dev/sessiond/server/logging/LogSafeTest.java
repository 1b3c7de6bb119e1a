package dev.sessiond.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

class LogSafeTest {

  @Test
  void textWithoutControlCharactersIsReturnedAsItIs() {
    String plain = "login session=6b14 user=Zoë 🙂 ip=::1 path=/a\\b?c=%0A";
    assertThat(LogSafe.escape(plain)).isSameAs(plain);
    assertThat(LogSafe.escape(null)).isNull();
  }

  @Test
  void lineBreaksTabsAndEveryOtherControlCharacterAreEscaped() {
    assertThat(LogSafe.escape("a\nb\rc\td")).isEqualTo("a\\nb\\rc\\td");
    assertThat(LogSafe.escape("\u001b[31mred\u001b[0m")).isEqualTo("\\u001b[31mred\\u001b[0m");
    assertThat(LogSafe.escape("\u0000\u0007\u007f\u0085\u009b")).isEqualTo("\\u0000\\u0007\\u007f\\u0085\\u009b");
    assertThat(LogSafe.escape("line\u2028para\u2029")).isEqualTo("line\\u2028para\\u2029");
    assertThat(LogSafe.escape("\u202eevil\u2066x\u2069\u200f")).isEqualTo("\\u202eevil\\u2066x\\u2069\\u200f");
    for (char c = 0; c < 0x20; c++) {
      assertThat(LogSafe.escape("a" + c + "b")).as("U+%04X", (int) c).hasSizeGreaterThan(3).doesNotContain(String.valueOf(c));
    }
  }

  @Test
  void thePatternEscapesTheMessageAndEveryExceptionMessageButKeepsTheTracesLines() {
    LoggerContext context = new LoggerContext();
    PatternLayout layout = new PatternLayout();
    layout.setContext(context);
    layout.getInstanceConverterMap().put("safeMsg", EscapedMessageConverter::new);
    layout.getInstanceConverterMap().put("safeEx", EscapedThrowableConverter::new);
    layout.setPattern("%safeMsg%n%safeEx");
    layout.start();
    IllegalStateException error = new IllegalStateException("bad\nFORGED", new RuntimeException("cause\r\nFORGED"));
    error.addSuppressed(new RuntimeException("suppressed\u001b[2J"));
    LoggingEvent event = new LoggingEvent("x", context.getLogger("t"), Level.INFO, "user={}", error, new Object[] {"a\nFORGED"});

    String text = layout.doLayout(event);

    assertThat(text.lines()).noneMatch(l -> l.startsWith("FORGED")).noneMatch(l -> l.contains("\u001b"));
    assertThat(text).startsWith("user=a\\nFORGED\n")
        .contains("java.lang.IllegalStateException: bad\\nFORGED")
        .contains("Caused by: java.lang.RuntimeException: cause\\r\\nFORGED")
        .contains("Suppressed: java.lang.RuntimeException: suppressed\\u001b[2J")
        .contains("\tat dev.sessiond.server.logging.LogSafeTest.");
  }
}
