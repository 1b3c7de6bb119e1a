package dev.sessiond.server.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.sessiond.core.Profile;
import dev.sessiond.server.wire.SessionData;
import dev.sessiond.server.wire.SessionState;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * SessionData (the answer of every verification) written straight as UTF-8 bytes, byte for byte
 * what the mapper writes for the record (the tests compare the two), without a Jackson generator,
 * its write contexts or the strings of the three instants: on the verify path those were most of
 * the answer's allocation. Strings of printable ASCII without {@code "} or {@code \} are copied
 * as they are; any other string is escaped by Jackson's own {@link JsonStringEncoder}. Only for a
 * profile without plugins ({@link SessionDataJson#needsNoMapper}); the mapper writes the others.
 * Each event-loop thread writes into its own scratch array, then the answer is copied once into
 * a buffer of its exact size.
 */
final class SessionDataBytes {

  private static final byte[] ID = ascii("\"id\":");
  private static final byte[] USER_ID = ascii("\"user_id\":");
  private static final byte[] PROFILE = ascii("\"profile\":");
  private static final byte[] STATE = ascii("\"state\":");
  private static final byte[] CREATED_AT = ascii("\"created_at\":");
  private static final byte[] LAST_SEEN_AT = ascii("\"last_seen_at\":");
  private static final byte[] EXPIRES_AT = ascii("\"expires_at\":");
  private static final byte[] IP = ascii("\"ip\":");
  private static final byte[] USER_AGENT = ascii("\"user_agent\":");
  private static final byte[] CLIENT = ascii("\"client\":");
  private static final byte[] CURRENT = ascii("\"current\":");
  private static final byte[] TOKEN = ascii("\"token\":");
  private static final byte[] IS_ADMIN = ascii("\"is_admin\":");
  private static final byte[] CAN_LOGIN = ascii("\"can_login\":");
  private static final byte[] CAN_CONNECT = ascii("\"can_connect\":");
  private static final byte[] CAN_WATCH = ascii("\"can_watch\":");
  private static final byte[] CAN_HOST = ascii("\"can_host\":");
  private static final byte[] CAN_SHARE_MEDIA = ascii("\"can_share_media\":");
  private static final byte[] CAN_ACCESS_CLIPBOARD = ascii("\"can_access_clipboard\":");
  private static final byte[] SENDS_INACTIVE_CURSOR = ascii("\"sends_inactive_cursor\":");
  private static final byte[] CAN_SEE_INACTIVE_CURSORS = ascii("\"can_see_inactive_cursors\":");
  private static final byte[] IS_CONNECTED = ascii("\"is_connected\":");
  private static final byte[] IS_WATCHING = ascii("\"is_watching\":");
  private static final byte[] CONNECTED_SINCE = ascii("\"connected_since\":");
  private static final byte[] NOT_CONNECTED_SINCE = ascii("\"not_connected_since\":");
  private static final byte[] NAME = ascii("\"name\":");
  private static final byte[] PLUGINS = ascii(",\"plugins\":{}}");
  private static final byte[] CONNECTIONS = ascii(",\"connections\":");

  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");

  private static final ThreadLocal<SessionDataBytes> SCRATCH = ThreadLocal.withInitial(SessionDataBytes::new);

  private byte[] b = new byte[1024];
  private int n;

  private SessionDataBytes() {}

  /** {@code d} as JSON; only when {@link SessionDataJson#needsNoMapper}{@code (d)}. */
  static Buffer encode(SessionData d) {
    SessionDataBytes out = SCRATCH.get();
    out.n = 0;
    out.sessionData(d);
    return Buffer.buffer(out.n).appendBytes(out.b, 0, out.n);
  }

  private void sessionData(SessionData d) {
    put('{');
    boolean first = true;
    first = string(first, ID, d.id());
    first = string(first, USER_ID, d.userId());
    if (d.profile() != null) {
      first = name(first, PROFILE);
      profile(d.profile());
    }
    if (d.state() != null) {
      first = name(first, STATE);
      state(d.state());
    }
    first = instant(first, CREATED_AT, d.createdAt());
    first = instant(first, LAST_SEEN_AT, d.lastSeenAt());
    first = instant(first, EXPIRES_AT, d.expiresAt());
    first = string(first, IP, d.ip());
    first = string(first, USER_AGENT, d.userAgent());
    first = string(first, CLIENT, d.client());
    if (d.current() != null) {
      first = name(first, CURRENT);
      bool(d.current());
    }
    string(first, TOKEN, d.token());
    put('}');
  }

  private void profile(Profile p) {
    put('{');
    raw(NAME); // never null in the record
    quoted(p.name());
    bool(false, IS_ADMIN, p.isAdmin());
    bool(false, CAN_LOGIN, p.canLogin());
    bool(false, CAN_CONNECT, p.canConnect());
    bool(false, CAN_WATCH, p.canWatch());
    bool(false, CAN_HOST, p.canHost());
    bool(false, CAN_SHARE_MEDIA, p.canShareMedia());
    bool(false, CAN_ACCESS_CLIPBOARD, p.canAccessClipboard());
    bool(false, SENDS_INACTIVE_CURSOR, p.sendsInactiveCursor());
    bool(false, CAN_SEE_INACTIVE_CURSORS, p.canSeeInactiveCursors());
    raw(PLUGINS);
  }

  private void state(SessionState s) {
    put('{');
    bool(true, IS_CONNECTED, s.isConnected());
    bool(false, IS_WATCHING, s.isWatching());
    instant(false, CONNECTED_SINCE, s.connectedSince());
    instant(false, NOT_CONNECTED_SINCE, s.notConnectedSince());
    raw(CONNECTIONS);
    digits(s.connections());
    put('}');
  }

  /** Writes {@code ,} unless first, then the quoted name and colon; returns false (no longer first). */
  private boolean name(boolean first, byte[] quotedName) {
    if (!first) {
      put(',');
    }
    raw(quotedName);
    return false;
  }

  private boolean string(boolean first, byte[] quotedName, String value) {
    if (value == null) {
      return first;
    }
    name(first, quotedName);
    quoted(value);
    return false;
  }

  private void bool(boolean first, byte[] quotedName, boolean value) {
    name(first, quotedName);
    bool(value);
  }

  private void bool(boolean value) {
    raw(value ? TRUE : FALSE);
  }

  private boolean instant(boolean first, byte[] quotedName, Instant value) {
    if (value == null) {
      return first;
    }
    name(first, quotedName);
    put('"');
    room(40);
    n = IsoInstants.write(value, b, n);
    put('"');
    return false;
  }

  private void quoted(String s) {
    int len = s.length();
    room(len + 2);
    int at = n;
    b[at++] = '"';
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        escaped(s);
        return;
      }
      b[at++] = (byte) c;
    }
    b[at++] = '"';
    n = at;
  }

  /** The rare string that needs escaping or is not ASCII: Jackson's encoder, the generator's rules. */
  private void escaped(String s) {
    byte[] utf8 = JsonStringEncoder.getInstance().quoteAsUTF8(s);
    room(utf8.length + 2);
    b[n++] = '"';
    System.arraycopy(utf8, 0, b, n, utf8.length);
    n += utf8.length;
    b[n++] = '"';
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private void raw(byte[] bytes) {
    room(bytes.length);
    System.arraycopy(bytes, 0, b, n, bytes.length);
    n += bytes.length;
  }

  private void digits(int value) {
    if (value < 0 || value > 9) {
      raw(ascii(Integer.toString(value)));
    } else {
      put((char) ('0' + value));
    }
  }

  private void put(char c) {
    room(1);
    b[n++] = (byte) c;
  }

  private void room(int more) {
    if (n + more > b.length) {
      b = Arrays.copyOf(b, Math.max(b.length * 2, n + more));
    }
  }
}
