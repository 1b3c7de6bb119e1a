package dev.sessiond.store.embedded;

import dev.sessiond.core.webhooks.WebhookCursor;
import dev.sessiond.core.webhooks.WebhookCursorStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Webhook cursors in SQLite, committed before their stage completes. One process holds the data
 * directory, so the lease only matters to the contract; it is kept the same way all the same. Schema:
 *
 * <pre>
 * CREATE TABLE webhook_cursors (url TEXT PRIMARY KEY, holder TEXT, lease_until INTEGER NOT NULL, position TEXT);
 * </pre>
 */
public final class EmbeddedWebhookCursorStore implements WebhookCursorStore {

  static final String SCHEMA = """
      CREATE TABLE IF NOT EXISTS webhook_cursors (url TEXT PRIMARY KEY, holder TEXT,
        lease_until INTEGER NOT NULL, position TEXT);
      """;

  private record Row(String holder, long until, String position) {}

  private final SqliteThread sql;
  private final Clock clock;

  EmbeddedWebhookCursorStore(SqliteThread sql, Clock clock) {
    this.sql = sql;
    this.clock = clock;
  }

  @Override
  public CompletionStage<Optional<WebhookCursor>> lease(String url, String node, Duration ttl) {
    return sql.write("lease a webhook", c -> {
      long now = clock.millis();
      Optional<Row> row = row(c, url);
      if (row.isPresent() && row.get().holder() != null && !row.get().holder().equals(node) && row.get().until() > now) {
        return Optional.<WebhookCursor>empty();
      }
      String position = row.map(Row::position).orElse(null);
      try (PreparedStatement st = c.prepareStatement("INSERT INTO webhook_cursors (url, holder, lease_until, position) "
          + "VALUES (?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until")) {
        st.setString(1, url);
        st.setString(2, node);
        st.setLong(3, now + ttl.toMillis());
        st.setString(4, position);
        st.executeUpdate();
      }
      return Optional.of(new WebhookCursor(url, position));
    }, ignored -> {});
  }

  @Override
  public CompletionStage<Boolean> advance(String url, String node, String position) {
    return sql.write("move a webhook cursor", c -> {
      try (PreparedStatement st = c.prepareStatement(
          "UPDATE webhook_cursors SET position = ? WHERE url = ? AND holder = ? AND lease_until > ?")) {
        st.setString(1, position);
        st.setString(2, url);
        st.setString(3, node);
        st.setLong(4, clock.millis());
        return st.executeUpdate() == 1;
      }
    }, ignored -> {});
  }

  @Override
  public CompletionStage<Void> release(String url, String node) {
    return sql.write("release a webhook", c -> {
      try (PreparedStatement st = c.prepareStatement(
          "UPDATE webhook_cursors SET holder = NULL, lease_until = 0 WHERE url = ? AND holder = ?")) {
        st.setString(1, url);
        st.setString(2, node);
        st.executeUpdate();
      }
      return null;
    }, ignored -> {});
  }

  private static Optional<Row> row(Connection c, String url) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT holder, lease_until, position FROM webhook_cursors WHERE url = ?")) {
      st.setString(1, url);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? Optional.of(new Row(rs.getString(1), rs.getLong(2), rs.getString(3))) : Optional.empty();
      }
    }
  }
}
