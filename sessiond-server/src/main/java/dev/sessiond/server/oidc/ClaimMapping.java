package dev.sessiond.server.oidc;

import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import dev.sessiond.core.Profile;
import dev.sessiond.core.SessiondException;
import dev.sessiond.core.UserIds;
import java.util.Collection;
import java.util.List;

/**
 * From a provider's checked ID token to a sessiond user: its ID ({@code <provider>:<sub>}, or the
 * configured claim), its profile (the name claim; admin when the admin claim holds one of the
 * admin values) and whether it may sign in at all (the allow claim holds one of the allowed
 * values). A claim may be a string or a list of strings (groups).
 */
final class ClaimMapping {

  /** Who signs in. */
  record Mapped(String userId, Profile profile) {}

  private ClaimMapping() {}

  static Mapped map(ProviderSettings p, IDTokenClaimsSet claims) {
    if (p.allowClaim() != null && !holdsAny(claims.getClaim(p.allowClaim()), p.allowValues())) {
      throw new SessiondException.Forbidden("your account at " + p.displayName() + " may not sign in here");
    }
    String userId;
    if (p.userIdClaim() == null) {
      userId = p.name() + ":" + claims.getSubject().getValue();
    } else {
      Object value = claims.getClaim(p.userIdClaim());
      if (!(value instanceof String s) || s.isEmpty()) {
        throw new SessiondException.Forbidden(p.displayName() + " sent no " + p.userIdClaim() + " to name you by");
      }
      userId = s;
    }
    try {
      UserIds.require(userId);
    } catch (SessiondException.Invalid e) {
      throw new SessiondException.Forbidden(p.displayName() + " names you in a way sessiond cannot use as a user ID ("
          + e.getMessage() + ")");
    }
    Object name = claims.getClaim(p.nameClaim());
    String shown = name instanceof String s ? s : userId;
    if (shown.length() > Profile.MAX_NAME_LENGTH) {
      shown = shown.substring(0, Profile.MAX_NAME_LENGTH);
    }
    boolean admin = p.adminClaim() != null && holdsAny(claims.getClaim(p.adminClaim()), p.adminValues());
    return new Mapped(userId, Profile.member(shown).withAdmin(admin));
  }

  private static boolean holdsAny(Object claim, List<String> values) {
    if (claim instanceof String s) {
      return values.contains(s);
    }
    if (claim instanceof Collection<?> items) {
      return items.stream().anyMatch(i -> i instanceof String s && values.contains(s));
    }
    if (claim instanceof Boolean b) {
      return values.contains(b.toString());
    }
    return false;
  }
}
