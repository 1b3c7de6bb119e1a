package dev.sessiond.server.wire;

/** The JSON bodies sessiond accepts. Names are snake_case on the wire. */
public final class Requests {

  private Requests() {}

  public record Login(String username, String password) {}

  /** A trusted backend creating a session for its own user; {@code ttl} in seconds. */
  public record CreateSession(String userId, ProfileBody profile, Long ttl) {}

  public record CreateMember(String username, String password, ProfileBody profile) {}

  public record Password(String password) {}

  /** {@code POST /api/keys}: a name for people and the key's scopes (wire names). */
  public record CreateKey(String name, java.util.List<String> scopes) {}

  /** {@code POST /api/sessions/used}: the IDs of sessions used since the last report. */
  public record UseReport(java.util.List<String> ids) {}

  /** A member changing its own password. */
  public record ChangePassword(String currentPassword, String newPassword) {}
}
