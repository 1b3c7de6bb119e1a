package dev.sessiond.store.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded durable store: one SQLite database ({@code sessiond.db}, WAL, synchronous=FULL)
 * in a data directory that one process at a time may hold ({@code sessiond.lock}), readable by
 * its owner only ({@link OwnerOnly}).
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
  private final EmbeddedApiKeyStore apiKeys;
  private final EmbeddedIdentityStore identities;

  private final Clock clock;
  private final Path dataDir;
  private final String url;
  private final java.util.concurrent.atomic.AtomicBoolean loading = new java.util.concurrent.atomic.AtomicBoolean();

  private EmbeddedStore(FileChannel lockChannel, Connection connection, Clock clock, int expectedSessions, Path dataDir,
      String url, Duration touchLag) {
    this.lockChannel = lockChannel;
    this.clock = clock;
    this.dataDir = dataDir;
    this.url = url;
    this.connection = connection;
    this.sql = new SqliteThread(connection);
    this.sessions = new EmbeddedSessionStore(sql, clock, expectedSessions, touchLag);
    this.members = new EmbeddedMemberStore(sql);
    this.webhookCursors = new EmbeddedWebhookCursorStore(sql, clock);
    this.apiKeys = new EmbeddedApiKeyStore(sql);
    this.identities = new EmbeddedIdentityStore(sql, clock);
  }

  /** Opens the store and waits for its sessions to be loaded into memory; uses reach disk within a second. */
  public static EmbeddedStore open(Path dataDir, Clock clock) {
    EmbeddedStore store = unloaded(dataDir, clock, Duration.ZERO);
    try {
      store.load().join();
      return store;
    } catch (CompletionException e) {
      store.close();
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /**
   * Opens the store without loading its sessions into memory: work queued on the store before
   * {@link #load} runs before the load (a server reads its admin member there, so that checking
   * the password overlaps the load). Nothing may use the sessions before {@link #loaded()}
   * completes: a server listens only after it. A session's use reaches disk {@code touchLag}
   * (plus up to a second) after it first happened (see {@link EmbeddedSessionStore}).
   */
  public static EmbeddedStore unloaded(Path dataDir, Clock clock, Duration touchLag) {
    Path lockFile = dataDir.resolve("sessiond.lock");
    FileChannel channel = null;
    try {
      OwnerOnly.directory(dataDir);
      OwnerOnly.file(lockFile);
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
      // Made 0600 before SQLite opens it: SQLite gives its -wal, -shm and -journal the same mode.
      OwnerOnly.file(dataDir.resolve("sessiond.db"));
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
            + EmbeddedWebhookCursorStore.SCHEMA + EmbeddedApiKeyStore.SCHEMA + EmbeddedIdentityStore.SCHEMA).split(";")) {
          if (!ddl.isBlank()) {
            st.execute(ddl);
          }
        }
      }
      c.setAutoCommit(false);
      // Not presized from COUNT(*) (a second full scan of the clustered table, 0.4 s at a million
      // sessions): the load sizes the token index once it knows how many it read.
      return new EmbeddedStore(channel, c, clock, 0, dataDir, url, touchLag);
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

  /**
   * Queues the load of the sessions into memory on the store's thread (behind what is queued
   * already; every later read and write queues behind it) and returns {@link #loaded()}.
   * Idempotent.
   */
  public CompletableFuture<Void> load() {
    if (!loading.compareAndSet(false, true)) {
      return loaded;
    }
    long start = System.nanoTime();
    long now = clock.millis();
    sql.read("load sessions", connection -> {
      int n = sessions.load(connection, now);
      LOG.info("loaded {} sessions from {} in {} ms", n, dataDir, (System.nanoTime() - start) / 1_000_000);
      checkpointer = new Checkpointer(url, CHECKPOINT_MS, () -> sql.read("checkpoint the WAL", cc -> {
        cc.commit();   // ends a read the connection may still hold (a checkpoint needs none)
        try (Statement st = cc.createStatement()) {
          st.execute("PRAGMA wal_checkpoint(PASSIVE)");
        }
        return null;
      }));
      return n;
    }).whenComplete((n, e) -> {
      if (e == null) {
        loaded.complete(null);
      } else {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        loaded.completeExceptionally(new IllegalStateException(
            "cannot open the database in " + dataDir + ": " + cause.getMessage(), cause));
      }
    });
    // Queued behind the load on the same thread.
    sql.every(FLUSH_TOUCHES_MS, () -> sessions.flushTouches(false));
    return loaded;
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

  public EmbeddedApiKeyStore apiKeys() {
    return apiKeys;
  }

  public EmbeddedIdentityStore identities() {
    return identities;
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
