package dev.sessiond.client;

import java.util.Map;

/**
 * What a session's holder may do, as sessiond keeps it (neko's MemberProfile): a name, the admin
 * right and the other flags, and whatever an application put under {@code plugins}.
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

  public Profile {
    name = name == null ? "" : name;
    plugins = plugins == null ? Map.of() : Map.copyOf(plugins);
  }
}
