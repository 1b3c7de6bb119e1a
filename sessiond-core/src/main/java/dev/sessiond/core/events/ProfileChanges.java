package dev.sessiond.core.events;

import dev.sessiond.core.Profile;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an admin changed in a member's profile, as kept in a {@code member.updated} event's detail:
 * the changed fields with their new values, form-encoded ({@code is_admin=true&can_login=false&name=Ann});
 * {@code plugins} is named with the value {@code changed}. Read back as a map for the event's
 * {@code changes} member ({@code {"is_admin": true, "can_login": false, "name": "Ann"}}).
 */
public final class ProfileChanges {

  private ProfileChanges() {}

  /** The fields of {@code after} that differ from {@code before}; empty text when none. */
  public static String between(Profile before, Profile after) {
    StringBuilder out = new StringBuilder();
    if (!before.name().equals(after.name())) {
      add(out, "name", after.name());
    }
    flag(out, "is_admin", before.isAdmin(), after.isAdmin());
    flag(out, "can_login", before.canLogin(), after.canLogin());
    flag(out, "can_connect", before.canConnect(), after.canConnect());
    flag(out, "can_watch", before.canWatch(), after.canWatch());
    flag(out, "can_host", before.canHost(), after.canHost());
    flag(out, "can_share_media", before.canShareMedia(), after.canShareMedia());
    flag(out, "can_access_clipboard", before.canAccessClipboard(), after.canAccessClipboard());
    flag(out, "sends_inactive_cursor", before.sendsInactiveCursor(), after.sendsInactiveCursor());
    flag(out, "can_see_inactive_cursors", before.canSeeInactiveCursors(), after.canSeeInactiveCursors());
    if (!Objects.equals(before.plugins(), after.plugins())) {
      add(out, "plugins", "changed");
    }
    return out.toString();
  }

  /** The changes {@link #between} wrote, booleans as booleans; an empty map for null or empty text. */
  public static Map<String, Object> decode(String text) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    for (String pair : text.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(name, name.startsWith("is_") || name.startsWith("can_") || name.startsWith("sends_")
          ? (Object) Boolean.valueOf(value) : value);
    }
    return out;
  }

  private static void flag(StringBuilder out, String name, boolean before, boolean after) {
    if (before != after) {
      add(out, name, Boolean.toString(after));
    }
  }

  private static void add(StringBuilder out, String name, String value) {
    if (out.length() > 0) {
      out.append('&');
    }
    out.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }
}
