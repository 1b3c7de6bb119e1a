package dev.sessiond.store.embedded;

import dev.sessiond.core.identity.IdentityStore;
import dev.sessiond.core.identity.ProviderSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Provider sessions and used logout token IDs in SQLite. Schema:
 *
 * <pre>
 * CREATE TABLE provider_sessions (session_id TEXT PRIMARY KEY, provider TEXT NOT NULL, sid TEXT,
 *   sub TEXT NOT NULL, id_token TEXT, expires_at INTEGER NOT NULL);
 * CREATE INDEX provider_sessions_sid ON provider_sessions (provider, sid);
 * CREATE INDEX provider_sessions_sub ON provider_sessions (provider, sub);
 * CREATE TABLE logout_token_ids (provider TEXT NOT NULL, jti TEXT NOT NULL, expires_at INTEGER NOT NULL,
 *   PRIMARY KEY (provider, jti));
 * </pre>
 *
 * Reads skip expired rows; each write deletes the expired rows of its table first. The one SQLite
 * thread makes {@link #firstUse} atomic. Thread-safe.
 */
public final class EmbeddedIdentityStore implements IdentityStore {

  static final String SCHEMA = """
      CREATE TABLE IF NOT EXISTS provider_sessions (session_id TEXT PRIMARY KEY, provider TEXT NOT NULL, sid TEXT,
        sub TEXT NOT NULL, id_token TEXT, expires_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS provider_sessions_sid ON provider_sessions (provider, sid);
      CREATE INDEX IF NOT EXISTS provider_sessions_sub ON provider_sessions (provider, sub);
      CREATE TABLE IF NOT EXISTS logout_token_ids (provider TEXT NOT NULL, jti TEXT NOT NULL,
        expires_at INTEGER NOT NULL, PRIMARY KEY (provider, jti));
      """;

  private final SqliteThread sql;
  private final Clock clock;

  EmbeddedIdentityStore(SqliteThread sql, Clock clock) {
    this.sql = sql;
    this.clock = clock;
  }

  @Override
  public CompletionStage<Void> link(ProviderSession l) {
    return sql.write("link a provider session", c -> {
      update(c, "DELETE FROM provider_sessions WHERE expires_at <= ?", clock.millis());
      try (PreparedStatement st = c.prepareStatement("INSERT OR REPLACE INTO provider_sessions "
          + "(session_id, provider, sid, sub, id_token, expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
        st.setString(1, l.sessionId());
        st.setString(2, l.provider());
        st.setString(3, l.sid());
        st.setString(4, l.sub());
        st.setString(5, l.idToken());
        st.setLong(6, l.expiresAt().toEpochMilli());
        st.executeUpdate();
      }
      return null;
    }, ignored -> {});
  }

  @Override
  public CompletionStage<Optional<ProviderSession>> find(String sessionId) {
    return sql.read("find a provider session", c -> {
      try (PreparedStatement st = c.prepareStatement("SELECT provider, sid, sub, id_token, expires_at "
          + "FROM provider_sessions WHERE session_id = ? AND expires_at > ?")) {
        st.setString(1, sessionId);
        st.setLong(2, clock.millis());
        try (ResultSet rs = st.executeQuery()) {
          return rs.next()
              ? Optional.of(new ProviderSession(rs.getString(1), rs.getString(2), rs.getString(3), sessionId,
                  rs.getString(4), Instant.ofEpochMilli(rs.getLong(5))))
              : Optional.<ProviderSession>empty();
        }
      }
    });
  }

  @Override
  public CompletionStage<List<String>> sessionsOfSid(String provider, String sid) {
    return sql.read("find a provider session's sessions", c -> ids(c, "sid", provider, sid));
  }

  @Override
  public CompletionStage<List<String>> sessionsOfSub(String provider, String sub) {
    return sql.read("find a subject's sessions", c -> ids(c, "sub", provider, sub));
  }

  @Override
  public CompletionStage<Boolean> firstUse(String provider, String jti, Instant expiresAt) {
    return sql.write("remember a logout token", c -> {
      update(c, "DELETE FROM logout_token_ids WHERE expires_at <= ?", clock.millis());
      try (PreparedStatement st = c.prepareStatement(
          "INSERT OR IGNORE INTO logout_token_ids (provider, jti, expires_at) VALUES (?, ?, ?)")) {
        st.setString(1, provider);
        st.setString(2, jti);
        st.setLong(3, expiresAt.toEpochMilli());
        return st.executeUpdate() == 1;
      }
    }, ignored -> {});
  }

  private List<String> ids(Connection c, String column, String provider, String value) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT session_id FROM provider_sessions WHERE provider = ? AND "
        + column + " = ? AND expires_at > ?")) {
      st.setString(1, provider);
      st.setString(2, value);
      st.setLong(3, clock.millis());
      List<String> out = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    }
  }

  private static void update(Connection c, String statement, long millis) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(statement)) {
      st.setLong(1, millis);
      st.executeUpdate();
    }
  }
}
