package dev.sessiond.store.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded durable store: one SQLite database ({@code sessiond.db}, WAL, synchronous=FULL)
 * in a data directory that one process at a time may hold ({@code sessiond.lock}).
 */
public final class EmbeddedStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStore.class);
  private static final long FLUSH_TOUCHES_MS = 1000;
  private static final long CHECKPOINT_MS = 1000;

  private final FileChannel lockChannel;
  private final Connection connection;
  private final SqliteThread sql;
  private volatile Checkpointer checkpointer;
  private final CompletableFuture<Void> loaded = new CompletableFuture<>();
  private final EmbeddedSessionStore sessions;
  private final EmbeddedMemberStore members;
  private final EmbeddedWebhookCursorStore webhookCursors;

  private EmbeddedStore(FileChannel lockChannel, Connection connection, Clock clock, int expectedSessions) {
    this.lockChannel = lockChannel;
    this.connection = connection;
    this.sql = new SqliteThread(connection);
    this.sessions = new EmbeddedSessionStore(sql, clock, expectedSessions);
    this.members = new EmbeddedMemberStore(sql);
    this.webhookCursors = new EmbeddedWebhookCursorStore(sql, clock);
  }

  /** Opens the store and waits for its sessions to be loaded into memory. */
  public static EmbeddedStore open(Path dataDir, Clock clock) {
    EmbeddedStore store = opening(dataDir, clock);
    try {
      store.loaded.join();
      return store;
    } catch (CompletionException e) {
      store.close();
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /**
   * Opens the store and starts loading its sessions into memory on the store's thread; returns
   * at once. Every read and write of the store queues behind the load (one thread), but nothing
   * may read the in-memory session index (verify, lists) before {@link #loaded()} completes: a
   * server listens only after it.
   */
  public static EmbeddedStore opening(Path dataDir, Clock clock) {
    Path lockFile = dataDir.resolve("sessiond.lock");
    FileChannel channel = null;
    try {
      Files.createDirectories(dataDir);
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new DataDirLockedException(dataDir, lockFile);
      }
      String url = "jdbc:sqlite:" + dataDir.resolve("sessiond.db").toAbsolutePath();
      Connection c = DriverManager.getConnection(url);
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
        st.execute("PRAGMA synchronous=FULL");
        st.execute("PRAGMA busy_timeout=5000");
        st.execute("PRAGMA wal_autocheckpoint=0");   // see Checkpointer
        st.execute("PRAGMA cache_size=-65536");        // 64 MiB of pages: the start-up scan and a user's neighbouring rows
        EmbeddedSessionStore.migrate(c);
        for (String ddl : (EmbeddedSessionStore.SCHEMA + EventTable.SCHEMA + EmbeddedMemberStore.SCHEMA
            + EmbeddedWebhookCursorStore.SCHEMA).split(";")) {
          if (!ddl.isBlank()) {
            st.execute(ddl);
          }
        }
      }
      c.setAutoCommit(false);
      // Not presized from COUNT(*): on the clustered table that is a second full scan (0.4 s at a
      // million sessions), more than the token index's growth costs while loading.
      EmbeddedStore store = new EmbeddedStore(channel, c, clock, 0);
      long start = System.nanoTime();
      long now = clock.millis();
      store.sql.read("load sessions", connection -> {
        int loaded = store.sessions.load(connection, now);
        LOG.info("loaded {} sessions from {} in {} ms", loaded, dataDir, (System.nanoTime() - start) / 1_000_000);
        store.checkpointer = new Checkpointer(url, CHECKPOINT_MS, () -> store.sql.read("checkpoint the WAL", cc -> {
          cc.commit();   // ends a read the connection may still hold (a checkpoint needs none)
          try (Statement st = cc.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(PASSIVE)");
          }
          return null;
        }));
        return loaded;
      }).whenComplete((n, e) -> {
        if (e == null) {
          store.loaded.complete(null);
        } else {
          Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          store.loaded.completeExceptionally(new IllegalStateException(
              "cannot open the database in " + dataDir + ": " + cause.getMessage(), cause));
        }
      });
      // Queued behind the load on the same thread.
      store.sql.every(FLUSH_TOUCHES_MS, store.sessions::flushTouches);
      return store;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot open data directory " + dataDir, e);
    } catch (SQLException e) {
      closeQuietly(channel);
      throw new IllegalStateException("cannot open the database in " + dataDir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  /** Completes when the sessions are in memory (exceptionally when they could not be loaded). */
  public CompletableFuture<Void> loaded() {
    return loaded;
  }

  public EmbeddedSessionStore sessions() {
    return sessions;
  }

  public EmbeddedMemberStore members() {
    return members;
  }

  public EmbeddedWebhookCursorStore webhookCursors() {
    return webhookCursors;
  }

  @Override
  public void close() {
    try {
      sessions.close();
    } catch (RuntimeException e) {
      LOG.warn("could not flush session use at close: {}", e.toString());
    }
    sql.close();
    if (checkpointer != null) {
      checkpointer.close();
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("closing the database failed: {}", e.toString());
    }
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
    }
  }
}
