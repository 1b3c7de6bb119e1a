package dev.sessiond.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a session's holder may do: neko's MemberProfile. {@code plugins} keeps whatever
 * properties a client put there, untouched.
 */
public record Profile(
    String name,
    boolean isAdmin,
    boolean canLogin,
    boolean canConnect,
    boolean canWatch,
    boolean canHost,
    boolean canShareMedia,
    boolean canAccessClipboard,
    boolean sendsInactiveCursor,
    boolean canSeeInactiveCursors,
    Map<String, Object> plugins) {

  public static final int MAX_NAME_LENGTH = 256;

  public Profile {
    name = name == null ? "" : name;
    if (name.length() > MAX_NAME_LENGTH) {
      throw new SessiondException.Invalid("profile name is longer than " + MAX_NAME_LENGTH + " characters");
    }
    plugins = plugins == null || plugins.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(plugins));
  }

  /** neko's defaults for a new member: everything but admin. */
  public static Profile member(String name) {
    return new Profile(name, false, true, true, true, true, true, true, true, true, Map.of());
  }

  public static Profile admin(String name) {
    return member(name).withAdmin(true);
  }

  public Profile withAdmin(boolean admin) {
    return new Profile(name, admin, canLogin, canConnect, canWatch, canHost, canShareMedia,
        canAccessClipboard, sendsInactiveCursor, canSeeInactiveCursors, plugins);
  }
}
