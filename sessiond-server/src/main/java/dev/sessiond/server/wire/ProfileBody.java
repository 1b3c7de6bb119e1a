package dev.sessiond.server.wire;

import dev.sessiond.core.Profile;
import java.util.Map;

/** A MemberProfile as a client sends it: every property optional, merged onto a base profile. */
public record ProfileBody(
    String name,
    Boolean isAdmin,
    Boolean canLogin,
    Boolean canConnect,
    Boolean canWatch,
    Boolean canHost,
    Boolean canShareMedia,
    Boolean canAccessClipboard,
    Boolean sendsInactiveCursor,
    Boolean canSeeInactiveCursors,
    Map<String, Object> plugins) {

  public Profile over(Profile base) {
    return new Profile(
        name != null ? name : base.name(),
        pick(isAdmin, base.isAdmin()),
        pick(canLogin, base.canLogin()),
        pick(canConnect, base.canConnect()),
        pick(canWatch, base.canWatch()),
        pick(canHost, base.canHost()),
        pick(canShareMedia, base.canShareMedia()),
        pick(canAccessClipboard, base.canAccessClipboard()),
        pick(sendsInactiveCursor, base.sendsInactiveCursor()),
        pick(canSeeInactiveCursors, base.canSeeInactiveCursors()),
        plugins != null ? plugins : base.plugins());
  }

  public static Profile over(ProfileBody body, Profile base) {
    return body == null ? base : body.over(base);
  }

  private static boolean pick(Boolean given, boolean base) {
    return given != null ? given : base;
  }
}
