package dev.sessiond.store.embedded;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.events.Reasons;
import dev.sessiond.core.store.IndexedSessionStore;
import dev.sessiond.core.store.LogWaiters;
import dev.sessiond.core.store.SessionIndex;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions in memory for every read (the verify path is one hash lookup), in SQLite for
 * durability, with their event log ({@link EventTable}) written in the same transaction as
 * each change. Schema:
 *
 * <pre>
 * CREATE TABLE sessions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, token_hash TEXT NOT NULL,
 *   profile TEXT NOT NULL, created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL,
 *   expires_at INTEGER NOT NULL, deadline INTEGER NOT NULL, ip TEXT NOT NULL, user_agent TEXT NOT NULL);
 * CREATE INDEX sessions_user ON sessions (user_id);      -- times are epoch milliseconds
 * </pre>
 *
 * <p>No index on token_hash: lookups by token never reach SQL (memory answers them), and every
 * index costs each write and each revocation.
 *
 * <p>Durability: creations, deletions and profile changes are committed (WAL,
 * synchronous=FULL) before their stage completes, and reach memory only then, in commit
 * order, so memory and disk never disagree about what was acknowledged. Use ({@link #touch})
 * changes memory at once and is flushed in one batch at most once a second: a crash can lose
 * up to a second of sliding, which can only end a session earlier, never bring one back.
 * Thread-safe: all SQL runs on one {@link SqliteThread}.
 */
public final class EmbeddedSessionStore extends IndexedSessionStore {

  static final String SCHEMA = """
      CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL,
        token_hash TEXT NOT NULL, profile TEXT NOT NULL, created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, deadline INTEGER NOT NULL,
        ip TEXT NOT NULL, user_agent TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);
      """;
  private static final String INSERT = "INSERT INTO sessions (id, user_id, token_hash, profile, created_at,"
      + " last_seen_at, expires_at, deadline, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final SqliteThread sql;
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private final LogWaiters waiters = new LogWaiters();
  private final EmbeddedEventLog log;

  EmbeddedSessionStore(SqliteThread sql, Clock clock, int expectedSessions) {
    super(clock, expectedSessions);
    this.sql = sql;
    this.log = new EmbeddedEventLog(sql, waiters);
  }

  /** Logs and drops the rows expired at {@code now}, loads the rest into memory; runs once, on the SQLite thread, at open. */
  int load(Connection c, long now) throws SQLException {
    // Sessions that expired while no process held the store: logged now, by the system.
    try (PreparedStatement q = c.prepareStatement("SELECT id, user_id FROM sessions WHERE expires_at <= ?")) {
      q.setLong(1, now);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          EventTable.insert(c, Event.of(Event.Type.SESSION_EXPIRED, Instant.ofEpochMilli(now), rs.getString(1),
              rs.getString(2), null, null, Actor.SYSTEM));
        }
      }
    }
    try (PreparedStatement del = c.prepareStatement("DELETE FROM sessions WHERE expires_at <= ?")) {
      del.setLong(1, now);
      del.executeUpdate();
    }
    c.commit();
    SessionIndex.Loader loader = index.loader();
    try (PreparedStatement q = c.prepareStatement("SELECT id, user_id, token_hash, profile, created_at,"
        + " last_seen_at, expires_at, deadline, ip, user_agent FROM sessions WHERE expires_at > ?")) {
      q.setLong(1, now);
      q.setFetchSize(10_000);
      try (ResultSet rs = q.executeQuery()) {
        ProfileCache profiles = new ProfileCache();
        // Many sessions share an IP or a user agent: keep one copy of each (bounded) instead of one per row.
        java.util.Map<String, String> shared = new java.util.HashMap<>();
        while (rs.next()) {
          loader.add(rs.getString(1), rs.getString(2), rs.getString(3), profiles.read(rs.getString(4)),
              rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8),
              share(shared, rs.getString(9)), share(shared, rs.getString(10)));
        }
      }
    }
    return loader.finish();
  }

  private static String share(java.util.Map<String, String> shared, String value) {
    String seen = shared.get(value);
    if (seen != null) {
      return seen;
    }
    if (shared.size() < 100_000) {
      shared.put(value, value);
    }
    return value;
  }

  @Override
  public CompletionStage<Void> create(Session s, Actor actor) {
    return sql.write("create a session", c -> {
      try (PreparedStatement st = c.prepareStatement(INSERT)) {
        st.setString(1, s.id());
        st.setString(2, s.userId());
        st.setString(3, s.tokenHash());
        st.setString(4, ProfileJson.write(s.profile()));
        st.setLong(5, s.createdAt().toEpochMilli());
        st.setLong(6, s.lastSeenAt().toEpochMilli());
        st.setLong(7, s.expiresAt().toEpochMilli());
        st.setLong(8, s.deadline().toEpochMilli());
        st.setString(9, s.ip());
        st.setString(10, s.userAgent());
        st.executeUpdate();
      }
      EventTable.insert(c, Event.of(Event.Type.SESSION_CREATED, clock.instant(), s.id(), s.userId(), null, null, actor));
      return null;
    }, ignored -> {
      index.put(s);
      waiters.wake();
    });
  }



  @Override
  public CompletionStage<Void> touch(Session touched) {
    if (index.touch(touched) != null) {
      dirty.add(touched.id());
    }
    return completedFuture(null);
  }

  @Override
  public CompletionStage<Integer> delete(String id, Actor actor, String reason) {
    return sql.write("delete a session", c -> {
      String userId = null;
      try (PreparedStatement st = c.prepareStatement("SELECT user_id FROM sessions WHERE id = ?")) {
        st.setString(1, id);
        try (ResultSet rs = st.executeQuery()) {
          if (rs.next()) {
            userId = rs.getString(1);
          }
        }
      }
      if (userId == null || update(c, "DELETE FROM sessions WHERE id = ?", id) == 0) {
        return 0;
      }
      EventTable.insert(c, Event.of(Event.Type.SESSION_REVOKED, clock.instant(), id, userId, null, reason, actor));
      return 1;
    }, n -> {
      index.remove(id);
      if (n > 0) {
        waiters.wake();
      }
    });
  }

  @Override
  public CompletionStage<Integer> deleteByUser(String userId, Actor actor, String reason) {
    return sql.write("delete the sessions of a user", c -> {
      int n = update(c, "DELETE FROM sessions WHERE user_id = ?", userId);
      if (n > 0) {
        EventTable.insert(c, Event.of(Event.Type.SESSION_REVOKED, clock.instant(), null, userId, n, reason, actor));
      }
      return n;
    }, n -> {
      index.removeUser(userId);
      if (n > 0) {
        waiters.wake();
      }
    });
  }

  @Override
  public CompletionStage<Integer> deleteAll(Actor actor) {
    return sql.write("delete every session", c -> {
      // No WHERE clause: SQLite's truncate optimisation makes this fast at any size.
      int n = update(c, "DELETE FROM sessions", null);
      EventTable.insert(c, Event.of(Event.Type.SESSION_REVOKED, clock.instant(), null, null, n, Reasons.CLEAR, actor));
      return n;
    }, n -> {
      index.clear();
      waiters.wake();
    });
  }

  @Override
  public CompletionStage<Void> disconnected(String sessionId, String userId, Actor actor) {
    return sql.write("log a disconnect", c -> {
      EventTable.insert(c, Event.of(Event.Type.SESSION_DISCONNECTED, clock.instant(), sessionId, userId, null, null, actor));
      return null;
    }, ignored -> waiters.wake());
  }

  @Override
  public EventLog log() {
    return log;
  }

  @Override
  public CompletionStage<Integer> updateProfile(String userId, Profile profile) {
    int[] changed = new int[1];
    return sql.write("update the profile of a user's sessions", c -> {
      try (PreparedStatement st = c.prepareStatement("UPDATE sessions SET profile = ? WHERE user_id = ?")) {
        st.setString(1, ProfileJson.write(profile));
        st.setString(2, userId);
        return st.executeUpdate();
      }
    }, n -> changed[0] = index.updateProfile(userId, profile)).thenApply(n -> changed[0]);
  }


  @Override
  public CompletionStage<List<Expired>> purgeExpired() {
    Instant now = clock.instant();
    List<Session> expired = index.removeExpired(now);
    if (expired.isEmpty()) {
      return completedFuture(List.of());
    }
    return sql.write("delete expired sessions", c -> {
      try (PreparedStatement st = c.prepareStatement("DELETE FROM sessions WHERE id = ?")) {
        for (Session s : expired) {
          st.setString(1, s.id());
          st.addBatch();
        }
        st.executeBatch();
      }
      for (Session s : expired) {
        EventTable.insert(c, Event.of(Event.Type.SESSION_EXPIRED, now, s.id(), s.userId(), null, null, Actor.SYSTEM));
      }
      return expired.stream().map(Expired::of).toList();
    }, ignored -> waiters.wake());
  }

  @Override
  public CompletionStage<Void> ping() {
    return sql.read("answer a ping", c -> {
      try (var st = c.createStatement()) {
        st.execute("SELECT 1");
      }
      return null;
    });
  }

  /** Writes the last-use times of sessions touched since the last flush, in one transaction. */
  CompletionStage<Integer> flushTouches() {
    if (dirty.isEmpty()) {
      return completedFuture(0);
    }
    return sql.write("record session use", c -> {
      int n = 0;
      try (PreparedStatement st = c.prepareStatement("UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?")) {
        for (var it = dirty.iterator(); it.hasNext(); ) {
          String id = it.next();
          it.remove();
          Session s = index.byId(id, Instant.MIN);
          if (s != null) {
            st.setLong(1, s.lastSeenAt().toEpochMilli());
            st.setLong(2, s.expiresAt().toEpochMilli());
            st.setString(3, id);
            st.addBatch();
            n++;
          }
        }
        st.executeBatch();
      }
      return n;
    }, ignored -> {});
  }

  private static int update(Connection c, String statement, String arg) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(statement)) {
      if (arg != null) {
        st.setString(1, arg);
      }
      return st.executeUpdate();
    }
  }

  @Override
  public void close() {
    flushTouches().toCompletableFuture().join();
  }
}
