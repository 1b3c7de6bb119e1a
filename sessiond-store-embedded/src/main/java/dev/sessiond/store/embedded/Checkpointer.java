package dev.sessiond.store.embedded;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the WAL back into the database file on its own thread and connection, so that no
 * commit pays for it: SQLite's automatic checkpoint runs inside whichever commit crosses 1,000
 * WAL pages, and copying those pages to random places of a large file (plus its fsync) costs
 * that one request many times its own write. The writer's connection has
 * {@code wal_autocheckpoint=0}; a PASSIVE checkpoint here never blocks it. The writer starts
 * the WAL over only when a checkpoint has caught up with the last commit, which writes that
 * never pause could keep from happening: when the WAL has grown past {@link #CATCH_UP_PAGES}
 * anyway, {@code catchUp} checkpoints the (by then small) rest on the writer's own thread,
 * between two commits, so the next commit starts the WAL over.
 */
final class Checkpointer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
  static final int CATCH_UP_PAGES = 4096;
  private final Connection connection;
  private final Runnable catchUp;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "sessiond-checkpoint");
    t.setDaemon(true);
    return t;
  });

  Checkpointer(String url, long everyMillis, Runnable catchUp) throws SQLException {
    this.connection = DriverManager.getConnection(url);
    this.catchUp = catchUp;
    try (Statement st = connection.createStatement()) {
      st.execute("PRAGMA busy_timeout=5000");
    }
    thread.scheduleWithFixedDelay(this::checkpoint, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
  }

  private void checkpoint() {
    try (Statement st = connection.createStatement();
        java.sql.ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
      // One row: busy, pages in the WAL, pages checkpointed.
      if (rs.next() && rs.getInt(2) >= CATCH_UP_PAGES) {
        catchUp.run();
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("WAL checkpoint failed (retried in a moment): {}", e.toString());
    }
  }

  @Override
  public void close() {
    thread.shutdown();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("closing the checkpoint connection failed: {}", e.toString());
    }
  }
}
