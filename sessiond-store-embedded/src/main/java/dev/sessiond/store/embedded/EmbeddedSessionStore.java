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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Sessions in memory for every read (the verify path is one hash lookup), in SQLite for
 * durability, with their event log ({@link EventTable}) written in the same transaction as
 * each change. Schema:
 *
 * <pre>
 * CREATE TABLE sessions (user_id TEXT NOT NULL, id TEXT NOT NULL, token_hash TEXT NOT NULL,
 *   profile TEXT NOT NULL, created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL,
 *   expires_at INTEGER NOT NULL, deadline INTEGER NOT NULL, ip TEXT NOT NULL, user_agent TEXT NOT NULL,
 *   PRIMARY KEY (user_id, id)) WITHOUT ROWID;             -- times are epoch milliseconds
 * </pre>
 *
 * <p>One B-tree and no index: rows are clustered by user, so a user's sessions are a few
 * neighbouring pages (revoking a user touches those, not three trees), and the start-up scan
 * comes in user order. Nothing is looked up by ID or token in SQL: memory answers those, and
 * memory knows each session's user, so a change to one session addresses its row by
 * (user_id, id). A data directory written before this layout ({@code id TEXT PRIMARY KEY} and
 * an index on user_id) is copied into it once, at open ({@link #migrate}).
 *
 * <p>Durability: creations, deletions and profile changes are committed (WAL,
 * synchronous=FULL) before their stage completes, and reach memory only then, in commit
 * order, so memory and disk never disagree about what was acknowledged. Use ({@link #touch})
 * changes memory at once; a session's row is written {@code touchLag} after its first use since
 * its last write (its latest use then), in batches of at most {@value #TOUCH_BATCH} rows: a
 * session in steady use costs one row write per lag, not one per use, and a crash can lose up
 * to the lag (plus a second) of sliding, which can only end a session earlier, never bring one
 * back. A clean close writes every pending use.
 * Thread-safe: all SQL runs on one {@link SqliteThread}.
 */
public final class EmbeddedSessionStore extends IndexedSessionStore {

  static final String SCHEMA = """
      CREATE TABLE IF NOT EXISTS sessions (user_id TEXT NOT NULL, id TEXT NOT NULL,
        token_hash TEXT NOT NULL, profile TEXT NOT NULL, created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, deadline INTEGER NOT NULL,
        ip TEXT NOT NULL, user_agent TEXT NOT NULL, PRIMARY KEY (user_id, id)) WITHOUT ROWID;
      """;
  private static final String COLUMNS = "user_id, id, token_hash, profile, created_at, last_seen_at, expires_at,"
      + " deadline, ip, user_agent";
  private static final String INSERT = "INSERT INTO sessions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  /** Rows written per transaction of pending uses: a backlog never holds a revocation's commit for long. */
  static final int TOUCH_BATCH = 1000;
  private final SqliteThread sql;
  private final long touchLagNanos;
  /** Sessions with a use not yet on disk, and the same in the order of that use (System.nanoTime). */
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<Dirty> dirtyOrder = new ConcurrentLinkedQueue<>();
  private final LogWaiters waiters = new LogWaiters();
  /** Sessions whose creation is written but not yet committed (hence not in memory): ID to user. SQLite thread only. */
  private final java.util.Map<String, String> uncommitted = new java.util.HashMap<>();
  private final EmbeddedEventLog log;

  /** A session with a use not yet on disk, since when (System.nanoTime). */
  private record Dirty(String id, long since) {}

  EmbeddedSessionStore(SqliteThread sql, Clock clock, int expectedSessions, Duration touchLag) {
    super(clock, expectedSessions);
    this.sql = sql;
    this.touchLagNanos = touchLag.toNanos();
    this.log = new EmbeddedEventLog(sql, waiters);
  }

  /**
   * Copies a sessions table of the layout before {@link #SCHEMA} ({@code id TEXT PRIMARY KEY},
   * rowid, an index on user_id) into the current one, in one transaction; a no-op on a current or
   * new database. Runs before {@link #SCHEMA} is applied.
   */
  static void migrate(Connection c) throws SQLException {
    String ddl = null;
    try (var st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'sessions'")) {
      if (rs.next()) {
        ddl = rs.getString(1);
      }
    }
    if (ddl == null || ddl.toUpperCase(java.util.Locale.ROOT).contains("WITHOUT ROWID")) {
      return;
    }
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (var st = c.createStatement()) {
      st.execute("ALTER TABLE sessions RENAME TO sessions_before_v2");
      st.execute("DROP INDEX IF EXISTS sessions_user");
      st.execute(SCHEMA);
      st.execute("INSERT INTO sessions (" + COLUMNS + ") SELECT " + COLUMNS + " FROM sessions_before_v2 ORDER BY user_id, id");
      st.execute("DROP TABLE sessions_before_v2");
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  /**
   * Loads the sessions live at {@code now} into memory in one scan (in key order: grouped by
   * user), then logs and drops the rows that expired while no process held the store. Runs
   * once, on the SQLite thread, at open.
   */
  int load(Connection c, long now) throws SQLException {
    SessionIndex.Loader loader = index.loader();
    List<String[]> expired = new java.util.ArrayList<>();
    new SessionRows().scan(c, now, loader, expired);
    if (!expired.isEmpty()) {
      // Sessions that expired while no process held the store: logged now, by the system.
      try (PreparedStatement del = c.prepareStatement("DELETE FROM sessions WHERE user_id = ? AND id = ?")) {
        for (String[] row : expired) {
          del.setString(1, row[0]);
          del.setString(2, row[1]);
          del.addBatch();
          EventTable.insert(c, Event.of(Event.Type.SESSION_EXPIRED, Instant.ofEpochMilli(now), row[1], row[0], null, null,
              Actor.SYSTEM));
        }
        del.executeBatch();
      }
      c.commit();
    }
    return loader.finish();
  }

  @Override
  public CompletionStage<Void> create(Session s, Actor actor) {
    return sql.write("create a session", c -> {
      uncommitted.put(s.id(), s.userId());
      try (PreparedStatement st = c.prepareStatement(INSERT)) {
        st.setString(1, s.userId());
        st.setString(2, s.id());
        st.setString(3, s.tokenHash());
        st.setString(4, ProfileJson.write(s.profile()));
        st.setLong(5, s.createdAt().toEpochMilli());
        st.setLong(6, s.lastSeenAt().toEpochMilli());
        st.setLong(7, s.expiresAt().toEpochMilli());
        st.setLong(8, s.deadline().toEpochMilli());
        st.setString(9, s.ip());
        st.setString(10, s.userAgent());
        st.executeUpdate();
        EventTable.insert(c, Event.of(Event.Type.SESSION_CREATED, clock.instant(), s.id(), s.userId(), null, null, actor));
      } catch (SQLException | RuntimeException e) {
        uncommitted.remove(s.id());
        throw e;
      }
      return null;
    }, ignored -> {
      uncommitted.remove(s.id());
      index.put(s);
      waiters.wake();
    });
  }



  @Override
  public CompletionStage<Void> touch(Session touched) {
    if (index.touch(touched) != null && dirty.add(touched.id())) {
      dirtyOrder.add(new Dirty(touched.id(), System.nanoTime()));
    }
    return completedFuture(null);
  }

  @Override
  public CompletionStage<Integer> delete(String id, Actor actor, String reason) {
    return sql.write("delete a session", c -> {
      String userId = userOf(id);
      if (userId == null) {
        return 0;
      }
      try (PreparedStatement st = c.prepareStatement("DELETE FROM sessions WHERE user_id = ? AND id = ?")) {
        st.setString(1, userId);
        st.setString(2, id);
        if (st.executeUpdate() == 0) {
          return 0;
        }
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
      // Gone from every read now; the ID index's entries go once the caller has its answer.
      if (index.detachUser(userId) > 0) {
        sql.afterwards(index::reclaim);
      }
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
  public CompletionStage<Integer> updateProfile(String userId, Profile profile, Actor actor) {
    int[] changed = new int[1];
    return sql.write("update the profile of a user's sessions", c -> {
      try (PreparedStatement st = c.prepareStatement("UPDATE sessions SET profile = ? WHERE user_id = ?")) {
        st.setString(1, ProfileJson.write(profile));
        st.setString(2, userId);
        int n = st.executeUpdate();
        if (n > 0) {
          EventTable.insert(c, Event.of(Event.Type.SESSION_UPDATED, clock.instant(), null, userId, n, null, actor));
        }
        return n;
      }
    }, n -> {
      changed[0] = index.updateProfile(userId, profile);
      if (n > 0) {
        waiters.wake();
      }
    }).thenApply(n -> changed[0]);
  }

  @Override
  public CompletionStage<Void> record(Event event) {
    return sql.write("log " + event.type().wire(), c -> {
      EventTable.insert(c, event);
      return null;
    }, ignored -> waiters.wake());
  }


  @Override
  public CompletionStage<List<Expired>> purgeExpired() {
    Instant now = clock.instant();
    List<Session> expired = index.removeExpired(now);
    if (expired.isEmpty()) {
      return completedFuture(List.of());
    }
    return sql.write("delete expired sessions", c -> {
      try (PreparedStatement st = c.prepareStatement("DELETE FROM sessions WHERE user_id = ? AND id = ?")) {
        for (Session s : expired) {
          st.setString(1, s.userId());
          st.setString(2, s.id());
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

  /**
   * Writes the last-use times of sessions whose pending use is older than the lag, at most
   * {@link #TOUCH_BATCH} rows a transaction, queueing the next batch behind the writes that came
   * meanwhile while more are due. {@code all}: every pending use, whatever its age (close).
   */
  CompletionStage<Integer> flushTouches(boolean all) {
    long cutoff = System.nanoTime() - (all ? 0 : touchLagNanos);
    if (!due(cutoff, all)) {
      return completedFuture(0);
    }
    return sql.write("record session use", c -> {
      int n = 0;
      try (PreparedStatement st = c.prepareStatement(
          "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE user_id = ? AND id = ?")) {
        for (int taken = 0; taken < TOUCH_BATCH && due(cutoff, all); taken++) {
          Dirty d = dirtyOrder.poll();
          dirty.remove(d.id());
          Session s = index.byId(d.id(), Instant.MIN);
          if (s != null) {
            st.setLong(1, s.lastSeenAt().toEpochMilli());
            st.setLong(2, s.expiresAt().toEpochMilli());
            st.setString(3, s.userId());
            st.setString(4, d.id());
            st.addBatch();
            n++;
          }
        }
        st.executeBatch();
      }
      return n;
    }, ignored -> {}).thenCompose(n -> !all && due(cutoff, false) ? flushTouches(false).thenApply(m -> n + m) : completedFuture(n));
  }

  private boolean due(long cutoff, boolean all) {
    Dirty head = dirtyOrder.peek();
    return head != null && (all || head.since() - cutoff <= 0);
  }

  /** The user of session {@code id} as committed or about to be (on the SQLite thread), or null. */
  private String userOf(String id) {
    Session s = index.byId(id, Instant.MIN);
    return s != null ? s.userId() : uncommitted.get(id);
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
    while (!dirtyOrder.isEmpty()) {
      flushTouches(true).toCompletableFuture().join();
    }
  }
}
