package dev.sessiond.server.wire;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.sessiond.core.Member;
import dev.sessiond.core.Profile;
import java.time.Instant;

/** The JSON bodies sessiond answers with, apart from SessionData. */
public final class Responses {

  private Responses() {}

  public record ErrorMessage(String message) {}

  public record Status(String status) {}

  /** An API key as listed; {@code key}, the secret, only in the answer that made it. */
  public record KeyData(String id, String name, java.util.List<String> scopes, Instant createdAt, String key) {
    public static KeyData of(dev.sessiond.core.keys.ApiKey k, String secret) {
      return new KeyData(k.id(), k.name(), k.scopes().stream().map(dev.sessiond.core.keys.Scope::wire).sorted().toList(),
          k.createdAt(), secret);
    }
  }

  /** A session still alive after a use report, with its idle deadline slid as the use asked. */
  public record Used(String id, Instant expiresAt) {}

  /** The seed API's answer to an interruption. */
  public record DeletedCount(@JsonProperty("DeletedCount") long deletedCount) {}

  public record MemberData(String id, String username, Profile profile) {
    public static MemberData of(Member m) {
      return new MemberData(m.id(), m.username(), m.profile());
    }
  }

  /** neko's Stats, with sessiond's counts. */
  public record Stats(
      boolean hasHost,
      Instant serverStartedAt,
      long totalUsers,
      long totalAdmins,
      long sessions,
      long users,
      long members,
      long connected) {}
}
