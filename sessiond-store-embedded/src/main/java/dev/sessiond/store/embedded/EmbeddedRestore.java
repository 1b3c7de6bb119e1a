package dev.sessiond.store.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Puts a backup ({@link EmbeddedBackup}) in a stopped server's place: {@code sessiond restore}.
 *
 * <p>It holds the data directory's lock ({@code sessiond.lock}) throughout, so it is refused
 * while a server runs there, and a server started meanwhile is refused. The backup is copied
 * into the directory ({@code sessiond.db.restoring}, 0600) and checked there, so that what is
 * checked is what is put in place and the backup file is never opened for writing. Then the
 * database and whatever SQLite kept beside it ({@code -wal}, {@code -shm}, {@code -journal})
 * are moved, together, into {@code before-restore-<UTC time>/} in the data directory, and the
 * copy is renamed to {@code sessiond.db}. Nothing is deleted: moving those files back undoes the
 * restore.
 *
 * <p>Event IDs: the log's sequence in the restored database is raised to the highest ID the
 * replaced database ever gave, so that a reader or webhook holding a position from before the
 * restore still sees every new entry (an ID is never given twice to different entries).
 */
public final class EmbeddedRestore {

  private static final List<String> SQLITE_FILES = List.of("", "-wal", "-shm", "-journal");
  private static final DateTimeFormatter ASIDE = DateTimeFormatter.ofPattern("'before-restore-'yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  /** What a restore did: what the restored database holds, and where the replaced files went. */
  public record Restored(BackupContents contents, Optional<Path> previous) {}

  private EmbeddedRestore() {}

  /**
   * Restores {@code from} into {@code dataDir} (made if missing).
   *
   * @throws DataDirLockedException while a server (or another restore) holds the directory
   * @throws IllegalArgumentException when {@code from} is missing, damaged or not a sessiond database
   */
  public static Restored restore(Path from, Path dataDir, Clock clock) {
    if (!Files.isRegularFile(from)) {
      throw new IllegalArgumentException("no backup file at " + from.toAbsolutePath());
    }
    Path lockFile = dataDir.resolve("sessiond.lock");
    Path incoming = dataDir.resolve(EmbeddedBackup.DATABASE + ".restoring");
    try {
      OwnerOnly.directory(dataDir);
      OwnerOnly.file(lockFile);
      try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
        FileLock lock;
        try {
          lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null;
        }
        if (lock == null) {
          throw new DataDirLockedException(dataDir, lockFile);
        }
        return restoreLocked(from, dataDir, incoming, clock);
      }
    } catch (IOException e) {
      EmbeddedBackup.deleteQuietly(incoming);
      throw new UncheckedIOException("cannot restore into " + dataDir + ": " + e.getMessage(), e);
    } catch (SQLException e) {
      EmbeddedBackup.deleteQuietly(incoming);
      throw new IllegalArgumentException("cannot read " + from + " as a sessiond backup: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      EmbeddedBackup.deleteQuietly(incoming);
      throw e;
    }
  }

  private static Restored restoreLocked(Path from, Path dataDir, Path incoming, Clock clock)
      throws IOException, SQLException {
    Files.deleteIfExists(incoming);
    OwnerOnly.file(incoming);
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(incoming, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      long size = in.size();
      for (long done = 0; done < size; ) {
        done += out.transferFrom(in, done, size - done);
      }
      out.force(true);
    }
    Path current = dataDir.resolve(EmbeddedBackup.DATABASE);
    long lastEventId = Files.isRegularFile(current) ? lastEventId(current) : 0;
    BackupContents contents;
    try (Connection c = open(incoming)) {
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA journal_mode=DELETE");   // a copy of a WAL file made by other means, too
      }
      contents = BackupContents.check(c, from.toString(), Files.size(incoming));
      if (lastEventId > contents.lastEventId()) {
        raiseEventSequence(c, lastEventId);
      }
    }
    EmbeddedBackup.sync(incoming);
    Optional<Path> previous = moveAside(dataDir, clock);
    Files.move(incoming, current, StandardCopyOption.ATOMIC_MOVE);
    EmbeddedBackup.syncDirectory(dataDir);
    return new Restored(contents, previous);
  }

  /** The replaced database's highest event ID; 0 (and IDs may repeat) when it cannot be read. */
  private static long lastEventId(Path database) {
    try (Connection c = open(database); Statement st = c.createStatement()) {
      return BackupContents.lastEventId(st);
    } catch (SQLException e) {
      return 0;
    }
  }

  private static void raiseEventSequence(Connection c, long to) throws SQLException {
    try (PreparedStatement update = c.prepareStatement("UPDATE sqlite_sequence SET seq = ? WHERE name = 'events'")) {
      update.setLong(1, to);
      if (update.executeUpdate() == 0) {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)")) {
          insert.setLong(1, to);
          insert.executeUpdate();
        }
      }
    }
  }

  private static Optional<Path> moveAside(Path dataDir, Clock clock) throws IOException {
    List<Path> present = SQLITE_FILES.stream().map(s -> dataDir.resolve(EmbeddedBackup.DATABASE + s))
        .filter(Files::exists).toList();
    if (present.isEmpty()) {
      return Optional.empty();
    }
    Path aside = dataDir.resolve(ASIDE.format(clock.instant()));
    for (int n = 2; Files.exists(aside); n++) {
      aside = dataDir.resolve(ASIDE.format(clock.instant()) + "-" + n);
    }
    if (dataDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createDirectory(aside, PosixFilePermissions.asFileAttribute(OwnerOnly.DIRECTORY));
    } else {
      Files.createDirectory(aside);
    }
    for (Path file : present) {
      Files.move(file, aside.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }
    EmbeddedBackup.syncDirectory(aside);
    return Optional.of(aside);
  }

  private static Connection open(Path database) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.resetOpenMode(SQLiteOpenMode.CREATE);
    config.setBusyTimeout(5000);
    return config.createConnection("jdbc:sqlite:" + database.toAbsolutePath());
  }
}
