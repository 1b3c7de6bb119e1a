package dev.sessiond.core.keys;

import java.util.Locale;

/**
 * What an API key may do. {@code verify}: follow the session events and report use, nothing
 * else (what an application's verifier needs). {@code sessions}: open sessions for its own users
 * and end them (what a trusted backend does). {@code admin}: everything the static API token may.
 */
public enum Scope {
  VERIFY, SESSIONS, ADMIN;

  /** The name on the wire: {@code verify}, {@code sessions}, {@code admin}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scope named {@code wire}, or null when there is none. */
  public static Scope ofWire(String wire) {
    for (Scope s : values()) {
      if (s.wire().equals(wire)) {
        return s;
      }
    }
    return null;
  }
}
