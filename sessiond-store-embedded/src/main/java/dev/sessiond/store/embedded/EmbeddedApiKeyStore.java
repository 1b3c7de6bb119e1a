package dev.sessiond.store.embedded;

import dev.sessiond.core.SessiondException;
import dev.sessiond.core.keys.ApiKey;
import dev.sessiond.core.keys.ApiKeyStore;
import dev.sessiond.core.keys.Scope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * API keys in SQLite (they are few; reads go to SQL on the store's thread). Schema:
 *
 * <pre>
 * CREATE TABLE api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, scopes TEXT NOT NULL,
 *   key_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);
 * </pre>
 *
 * {@code scopes} is a space-separated list of their wire names. Thread-safe.
 */
public final class EmbeddedApiKeyStore implements ApiKeyStore {

  static final String SCHEMA = """
      CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, scopes TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);
      """;
  private static final String COLUMNS = "SELECT id, name, scopes, key_hash, created_at FROM api_keys ";

  private final SqliteThread sql;

  EmbeddedApiKeyStore(SqliteThread sql) {
    this.sql = sql;
  }

  @Override
  public CompletionStage<Void> create(ApiKey k) {
    return sql.write("create an API key", c -> {
      if (!all(c, COLUMNS + "WHERE id = ? OR key_hash = ?", k.id(), k.keyHash()).isEmpty()) {
        throw new SessiondException.Conflict("API key ID or secret is taken");
      }
      try (PreparedStatement st = c.prepareStatement(
          "INSERT INTO api_keys (id, name, scopes, key_hash, created_at) VALUES (?, ?, ?, ?, ?)")) {
        st.setString(1, k.id());
        st.setString(2, k.name());
        st.setString(3, scopes(k.scopes()));
        st.setString(4, k.keyHash());
        st.setLong(5, k.createdAt().toEpochMilli());
        st.executeUpdate();
      }
      return null;
    }, ignored -> {});
  }

  @Override
  public CompletionStage<Optional<ApiKey>> findByHash(String keyHash) {
    return sql.read("find an API key", c -> all(c, COLUMNS + "WHERE key_hash = ?", keyHash).stream().findFirst());
  }

  @Override
  public CompletionStage<List<ApiKey>> list() {
    return sql.read("list API keys", c -> all(c, COLUMNS + "ORDER BY id"));
  }

  @Override
  public CompletionStage<Integer> delete(String id) {
    return sql.write("delete an API key", c -> {
      try (PreparedStatement st = c.prepareStatement("DELETE FROM api_keys WHERE id = ?")) {
        st.setString(1, id);
        return st.executeUpdate();
      }
    }, ignored -> {});
  }

  static String scopes(Set<Scope> scopes) {
    return scopes.stream().map(Scope::wire).sorted().collect(Collectors.joining(" "));
  }

  static Set<Scope> scopes(String text) {
    Set<Scope> out = EnumSet.noneOf(Scope.class);
    Arrays.stream(text.split(" ")).map(Scope::ofWire).filter(s -> s != null).forEach(out::add);
    return out;
  }

  private static List<ApiKey> all(Connection c, String query, String... args) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(query)) {
      for (int i = 0; i < args.length; i++) {
        st.setString(i + 1, args[i]);
      }
      List<ApiKey> out = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(new ApiKey(rs.getString(1), rs.getString(2), scopes(rs.getString(3)), rs.getString(4),
              Instant.ofEpochMilli(rs.getLong(5))));
        }
      }
      return out;
    }
  }
}
