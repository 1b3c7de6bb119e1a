package dev.sessiond.store.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteOpenMode;

/**
 * A copy of the embedded store taken while a server runs on it, into one self-contained SQLite
 * file: {@code sessiond backup}.
 *
 * <p>Consistency: a connection of its own (this process neither needs nor takes the data
 * directory's lock) runs SQLite's online backup API over the whole database in one step, that is
 * in one read transaction: the copy is the database as of one commit, with every change the
 * server acknowledged before the copy began (the server answers a creation or revocation only
 * once committed, see {@link EmbeddedSessionStore}) and nothing committed after. A backup in
 * steps of some pages (xerial's default for {@code backup to}: 100) would start over whenever the
 * server commits between two steps, which under steady writes may be forever.
 *
 * <p>Effect on the server: in WAL mode a reader neither blocks the writer nor waits for it, so
 * requests go on at full speed; only the server's checkpoints cannot pass the copy's snapshot
 * while it runs, so the WAL grows by what is written meanwhile and is copied back after.
 *
 * <p>The copy is written beside the target as {@code <name>.partial} (mode 0600: it holds
 * password and token hashes), switched to a rollback journal (one file, no {@code -wal}),
 * checked ({@code PRAGMA integrity_check}) and counted, synced, and only then renamed to the
 * target: a failed backup never leaves a half-written file under the target's name.
 */
public final class EmbeddedBackup {

  static final String DATABASE = "sessiond.db";
  private static final int SQLITE_OK = 0;
  private static final int SQLITE_DONE = 101;
  /** While SQLite answers busy (a checkpoint restarting the WAL, rarely): wait this long, this many times. */
  private static final int BUSY_SLEEP_MS = 100;
  private static final int BUSY_TRIES = 100;

  private EmbeddedBackup() {}

  /**
   * Copies the database of {@code dataDir} to {@code to}.
   *
   * @param replace replace {@code to} if it exists (atomically: it is whole before and after)
   * @return what the copy holds
   * @throws IllegalArgumentException when there is no database to copy or {@code to} exists
   */
  public static BackupContents backup(Path dataDir, Path to, boolean replace) {
    Path source = dataDir.resolve(DATABASE);
    if (!Files.isRegularFile(source)) {
      throw new IllegalArgumentException("no sessiond database in " + dataDir.toAbsolutePath()
          + " (" + DATABASE + " is missing): is --data-dir the server's?");
    }
    Path target = to.toAbsolutePath().normalize();
    Path data = dataDir.toAbsolutePath().normalize();
    for (String own : List.of(DATABASE, DATABASE + "-wal", DATABASE + "-shm", DATABASE + "-journal", "sessiond.lock")) {
      if (target.equals(data.resolve(own))) {
        throw new IllegalArgumentException(to + " is one of the server's own files: write the backup elsewhere");
      }
    }
    if (Files.isDirectory(target)) {
      throw new IllegalArgumentException(to + " is a directory: --to names the backup file");
    }
    if (!replace && Files.exists(target)) {
      throw new IllegalArgumentException(to + " exists; choose another name, or --overwrite to replace it");
    }
    Path parent = target.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new IllegalArgumentException("the directory of " + to + " does not exist");
    }
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    try {
      Files.deleteIfExists(partial);
      OwnerOnly.file(partial);
      copy(source, partial);
      BackupContents contents = finish(partial);
      sync(partial);
      if (replace) {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      }
      syncDirectory(parent);
      return contents;
    } catch (FileAlreadyExistsException e) {
      deleteQuietly(partial);
      throw new IllegalArgumentException(to + " appeared meanwhile; choose another name, or --overwrite", e);
    } catch (IOException e) {
      deleteQuietly(partial);
      throw new UncheckedIOException("cannot write the backup " + to + ": " + e.getMessage(), e);
    } catch (SQLException e) {
      deleteQuietly(partial);
      throw new IllegalStateException("cannot back up " + source + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteQuietly(partial);
      throw e;
    }
  }

  private static void copy(Path source, Path partial) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.resetOpenMode(SQLiteOpenMode.CREATE);   // never make an empty database where the server's should be
    config.setBusyTimeout(5000);
    try (Connection c = config.createConnection("jdbc:sqlite:" + source.toAbsolutePath())) {
      // Whole database in one step (-1): one read transaction, so one consistent snapshot.
      int rc = c.unwrap(SQLiteConnection.class).getDatabase()
          .backup("main", partial.toString(), null, BUSY_SLEEP_MS, BUSY_TRIES, -1);
      if (rc != SQLITE_DONE && rc != SQLITE_OK) {
        throw new SQLException("SQLite's backup ended with code " + rc + " (busy or locked for "
            + BUSY_SLEEP_MS * BUSY_TRIES / 1000 + " s?)");
      }
    }
  }

  /** The copy as one file (rollback journal), checked and counted. */
  private static BackupContents finish(Path partial) throws SQLException, IOException {
    SQLiteConfig config = new SQLiteConfig();
    config.resetOpenMode(SQLiteOpenMode.CREATE);
    try (Connection c = config.createConnection("jdbc:sqlite:" + partial)) {
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA journal_mode=DELETE");
      }
      return BackupContents.check(c, "the copy", Files.size(partial));
    }
  }

  static void sync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException ignored) {
      // not every platform can sync a directory; the rename is done either way
    }
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
      Files.deleteIfExists(file.resolveSibling(file.getFileName() + "-journal"));
    } catch (NoSuchFileException ignored) {
      // gone already
    } catch (IOException ignored) {
      // left behind: named .partial, it is never taken for a backup
    }
  }
}
