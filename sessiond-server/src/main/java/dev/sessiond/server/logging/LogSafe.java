package dev.sessiond.server.logging;

/**
 * What a log line may hold of text a client chose (a username, a path, a header, an error that
 * quotes them): the characters that could end the line, start a forged one or drive a terminal
 * are written as escapes instead. CR, LF and tab become {@code \r}, {@code \n}, {@code \t};
 * every other C0 and C1 control character (ESC among them), DEL, the Unicode line and paragraph
 * separators and the bidirectional controls (which can make a line read differently from what
 * it holds) become {@code \}{@code uXXXX}. A backslash is kept as it is: an escape in the log is
 * either ours or the client's, and neither can start a line. Applied to every message and
 * exception of the server's log by {@link EscapedMessageConverter} and
 * {@link EscapedThrowableConverter}, so no call site has to remember it.
 */
public final class LogSafe {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private LogSafe() {}

  /** {@code text} with every unsafe character escaped; the same instance when there is none (null stays null). */
  public static String escape(String text) {
    if (text == null) {
      return null;
    }
    int i = 0;
    int n = text.length();
    while (i < n && !unsafe(text.charAt(i))) {
      i++;
    }
    if (i == n) {
      return text;
    }
    StringBuilder out = new StringBuilder(n + 16).append(text, 0, i);
    for (; i < n; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (unsafe(c)) {
            out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  static boolean unsafe(char c) {
    return c < 0x20 || c >= 0x7f && c <= 0x9f
        || c == 0x2028 || c == 0x2029                    // line and paragraph separators
        || c == 0x061c || c == 0x200e || c == 0x200f     // bidirectional marks
        || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069; // bidirectional embeddings, overrides, isolates
  }
}
