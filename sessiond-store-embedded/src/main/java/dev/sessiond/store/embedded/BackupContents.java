package dev.sessiond.store.embedded;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * What a copy of the embedded store holds, read from the copy itself after SQLite's
 * {@code integrity_check} passed: what a backup wrote, or what a restore put back.
 */
public record BackupContents(long sessions, long members, long events, long apiKeys, long lastEventId, long bytes) {

  /** Tables every sessiond database has had since its first version. */
  private static final List<String> REQUIRED = List.of("sessions", "members", "events");

  /**
   * Checks the database on {@code c} (integrity, and that it is sessiond's) and counts its rows.
   *
   * @throws IllegalArgumentException when it is damaged or not a sessiond database
   */
  static BackupContents check(Connection c, String what, long bytes) throws SQLException {
    try (Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
        String first = rs.next() ? rs.getString(1) : "no answer";
        if (!"ok".equals(first)) {
          throw new IllegalArgumentException(what + " is damaged (SQLite integrity_check: " + first + ")");
        }
      }
      for (String table : REQUIRED) {
        if (!hasTable(st, table)) {
          throw new IllegalArgumentException(what + " is not a sessiond database (it has no " + table + " table)");
        }
      }
      return new BackupContents(count(st, "sessions"), count(st, "members"), count(st, "events"),
          hasTable(st, "api_keys") ? count(st, "api_keys") : 0, lastEventId(st), bytes);
    }
  }

  /** The highest event ID the database ever gave (trimmed entries included), 0 for none. */
  static long lastEventId(Statement st) throws SQLException {
    if (!hasTable(st, "sqlite_sequence")) {
      return 0;
    }
    try (ResultSet rs = st.executeQuery("SELECT seq FROM sqlite_sequence WHERE name = 'events'")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private static boolean hasTable(Statement st, String table) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'")) {
      return rs.next();
    }
  }

  private static long count(Statement st, String table) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** One line for an operator: {@code 1204 sessions, 3 members, 5120 log entries, 2 API keys (1.9 MB)}. */
  public String describe() {
    return sessions + " sessions, " + members + " members, " + events + " log entries, " + apiKeys + " API keys ("
        + String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6) + ")";
  }
}
