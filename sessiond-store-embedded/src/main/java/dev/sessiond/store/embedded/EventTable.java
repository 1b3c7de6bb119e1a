package dev.sessiond.store.embedded;

import dev.sessiond.core.SessiondException;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The event log as a SQLite table, written by the session store inside the transaction of the
 * change. Schema (times in epoch milliseconds; the ID of an event is its {@code seq}):
 *
 * <pre>
 * CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, type TEXT NOT NULL,
 *   session_id TEXT, user_id TEXT, count INTEGER, reason TEXT,
 *   actor_kind TEXT NOT NULL, actor_user TEXT, actor_session TEXT);
 * CREATE INDEX events_user ON events (user_id, seq);
 * CREATE INDEX events_session ON events (session_id, seq);
 * </pre>
 *
 * AUTOINCREMENT: a sequence number is never reused, even after the table was trimmed empty,
 * so a reader's position stays meaningful. Runs only on the store's SQLite thread.
 */
final class EventTable {

  static final String SCHEMA = """
      CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL,
        type TEXT NOT NULL, session_id TEXT, user_id TEXT, count INTEGER, reason TEXT,
        actor_kind TEXT NOT NULL, actor_user TEXT, actor_session TEXT);
      CREATE INDEX IF NOT EXISTS events_user ON events (user_id, seq);
      CREATE INDEX IF NOT EXISTS events_session ON events (session_id, seq);
      """;
  private static final String COLUMNS = "SELECT seq, time, type, session_id, user_id, count, reason, actor_kind,"
      + " actor_user, actor_session FROM events ";
  private static final int TRIM_BATCH = 10_000;

  private EventTable() {}

  static void insert(Connection c, Event e) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("INSERT INTO events (time, type, session_id, user_id, count, reason,"
        + " actor_kind, actor_user, actor_session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      st.setLong(1, e.time().toEpochMilli());
      st.setString(2, e.type().wire());
      st.setString(3, e.sessionId());
      st.setString(4, e.userId());
      if (e.count() == null) {
        st.setNull(5, Types.INTEGER);
      } else {
        st.setInt(5, e.count());
      }
      st.setString(6, e.reason());
      st.setString(7, e.actor().kind().name());
      st.setString(8, e.actor().userId());
      st.setString(9, e.actor().sessionId());
      st.executeUpdate();
    }
  }

  static List<Event> read(Connection c, EventQuery q) throws SQLException {
    StringBuilder sql = new StringBuilder(COLUMNS).append("WHERE seq > ?");
    List<String> args = new ArrayList<>();
    if (q.userId() != null) {
      sql.append(" AND user_id = ?");
      args.add(q.userId());
    }
    if (q.sessionId() != null) {
      sql.append(" AND session_id = ?");
      args.add(q.sessionId());
    }
    if (q.type() != null) {
      sql.append(" AND type = ?");
      args.add(q.type().wire());
    }
    sql.append(" ORDER BY seq LIMIT ?");
    try (PreparedStatement st = c.prepareStatement(sql.toString())) {
      st.setLong(1, q.after() == null ? 0 : seq(q.after()));
      int i = 2;
      for (String a : args) {
        st.setString(i++, a);
      }
      st.setInt(i, q.limit());
      List<Event> out = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(event(rs));
        }
      }
      return out;
    }
  }

  static Optional<String> lastId(Connection c) throws SQLException {
    try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT MAX(seq) FROM events")) {
      rs.next();
      long max = rs.getLong(1);
      return rs.wasNull() ? Optional.empty() : Optional.of(Long.toString(max));
    }
  }

  /**
   * Deletes the oldest entries older than {@code before}, a batch at a time from the start of
   * the log, stopping at the first newer one (so it never scans what it keeps).
   */
  static long trimBatch(Connection c, Instant before) throws SQLException {
    long upTo = -1;
    try (PreparedStatement st = c.prepareStatement("SELECT seq, time FROM events ORDER BY seq LIMIT ?")) {
      st.setInt(1, TRIM_BATCH);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next() && rs.getLong(2) < before.toEpochMilli()) {
          upTo = rs.getLong(1);
        }
      }
    }
    if (upTo < 0) {
      return 0;
    }
    try (PreparedStatement st = c.prepareStatement("DELETE FROM events WHERE seq <= ?")) {
      st.setLong(1, upTo);
      return st.executeUpdate();
    }
  }

  private static Event event(ResultSet rs) throws SQLException {
    int count = rs.getInt(6);
    Integer boxed = rs.wasNull() ? null : count;
    return new Event(Long.toString(rs.getLong(1)), Event.Type.ofWire(rs.getString(3)), Instant.ofEpochMilli(rs.getLong(2)),
        rs.getString(4), rs.getString(5), boxed, rs.getString(7),
        new Actor(Actor.Kind.valueOf(rs.getString(8)), rs.getString(9), rs.getString(10)));
  }

  static long seq(String id) {
    try {
      long seq = Long.parseLong(id);
      if (seq >= 0) {
        return seq;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new SessiondException.Invalid("not an event ID: " + id);
  }
}
