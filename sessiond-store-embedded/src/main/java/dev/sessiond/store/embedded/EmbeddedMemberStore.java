package dev.sessiond.store.embedded;

import dev.sessiond.core.Member;
import dev.sessiond.core.SessiondException;
import dev.sessiond.core.store.MemberStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Members in SQLite (they are few; reads go to SQL on the store's thread). Schema:
 *
 * <pre>
 * CREATE TABLE members (id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
 *   profile TEXT NOT NULL, created_at INTEGER NOT NULL);
 * </pre>
 *
 * Changes are committed before their stage completes. Thread-safe.
 */
public final class EmbeddedMemberStore implements MemberStore {

  static final String SCHEMA = """
      CREATE TABLE IF NOT EXISTS members (id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL, profile TEXT NOT NULL, created_at INTEGER NOT NULL);
      """;
  private static final String COLUMNS = "SELECT id, username, password_hash, profile, created_at FROM members ";

  private final SqliteThread sql;

  EmbeddedMemberStore(SqliteThread sql) {
    this.sql = sql;
  }

  @Override
  public CompletionStage<Void> create(Member m) {
    return sql.write("create a member", c -> {
      if (one(c, COLUMNS + "WHERE username = ?", m.username()).isPresent()) {
        throw new SessiondException.Conflict("username is taken");
      }
      if (one(c, COLUMNS + "WHERE id = ?", m.id()).isPresent()) {
        throw new SessiondException.Conflict("member ID is taken");
      }
      try (PreparedStatement st = c.prepareStatement(
          "INSERT INTO members (id, username, password_hash, profile, created_at) VALUES (?, ?, ?, ?, ?)")) {
        st.setString(1, m.id());
        st.setString(2, m.username());
        st.setString(3, m.passwordHash());
        st.setString(4, ProfileJson.write(m.profile()));
        st.setLong(5, m.createdAt().toEpochMilli());
        st.executeUpdate();
      }
      return null;
    }, ignored -> {});
  }

  @Override
  public CompletionStage<Optional<Member>> findById(String id) {
    return sql.read("find a member", c -> one(c, COLUMNS + "WHERE id = ?", id));
  }

  @Override
  public CompletionStage<Optional<Member>> findByUsername(String username) {
    return sql.read("find a member", c -> one(c, COLUMNS + "WHERE username = ?", username));
  }

  @Override
  public CompletionStage<List<Member>> list(int offset, int limit) {
    return sql.read("list members", c -> {
      try (PreparedStatement st = c.prepareStatement(COLUMNS + "ORDER BY id LIMIT ? OFFSET ?")) {
        st.setInt(1, limit);
        st.setInt(2, offset);
        return all(st);
      }
    });
  }

  @Override
  public CompletionStage<Integer> update(Member m) {
    return sql.write("update a member", c -> {
      try (PreparedStatement st = c.prepareStatement(
          "UPDATE members SET username = ?, password_hash = ?, profile = ? WHERE id = ?")) {
        st.setString(1, m.username());
        st.setString(2, m.passwordHash());
        st.setString(3, ProfileJson.write(m.profile()));
        st.setString(4, m.id());
        return st.executeUpdate();
      }
    }, ignored -> {});
  }

  @Override
  public CompletionStage<Integer> delete(String id) {
    return sql.write("delete a member", c -> {
      try (PreparedStatement st = c.prepareStatement("DELETE FROM members WHERE id = ?")) {
        st.setString(1, id);
        return st.executeUpdate();
      }
    }, ignored -> {});
  }

  @Override
  public CompletionStage<Long> count() {
    return sql.read("count members", c -> {
      try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM members")) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private static Optional<Member> one(Connection c, String query, String arg) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(query)) {
      st.setString(1, arg);
      List<Member> found = all(st);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  private static List<Member> all(PreparedStatement st) throws SQLException {
    List<Member> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        out.add(new Member(rs.getString(1), rs.getString(2), rs.getString(3), ProfileJson.read(rs.getString(4)),
            Instant.ofEpochMilli(rs.getLong(5))));
      }
    }
    return out;
  }

  @Override
  public void close() {}
}
