package dev.sessiond.store.embedded;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the data directory to its owner: the directory 0700 and every file in it 0600, the
 * database, its lock and SQLite's {@code -wal}, {@code -shm} and {@code -journal} included (they
 * hold password hashes and token hashes). SQLite gives the files it creates later the mode of
 * the database file, so creating that file 0600 before SQLite opens it covers them; a directory
 * or file an earlier version left readable is tightened at each start. Where the mode cannot be
 * changed (not the owner), a warning says so and the server starts anyway. Does nothing on a
 * file system without POSIX permissions.
 */
final class OwnerOnly {

  private static final Logger LOG = LoggerFactory.getLogger(OwnerOnly.class);
  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private OwnerOnly() {}

  /** Creates {@code dir} (0700) if needed, and makes it and every file in it owner-only. */
  static void directory(Path dir) throws IOException {
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (!posix) {
      Files.createDirectories(dir);
      return;
    }
    if (!Files.isDirectory(dir)) {
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
      } catch (FileAlreadyExistsException raced) {
        // made meanwhile: tightened below like any existing one
      }
    }
    restrict(dir, DIRECTORY);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          restrict(file, FILE);
        }
      }
    }
  }

  /** Creates {@code file} empty and 0600 unless it exists (then it is left as {@link #directory} made it). */
  static void file(Path file) throws IOException {
    if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
    } catch (FileAlreadyExistsException exists) {
      // kept as it is: it was tightened with the directory
    }
  }

  private static void restrict(Path path, Set<PosixFilePermission> wanted) throws IOException {
    Set<PosixFilePermission> now = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
    if (now.equals(wanted)) {
      return;
    }
    try {
      Files.setPosixFilePermissions(path, wanted);
    } catch (IOException e) {
      LOG.warn("{} is {} and could not be made {} (readable by others than its owner): {}", path.toAbsolutePath(),
          PosixFilePermissions.toString(now), PosixFilePermissions.toString(wanted), e.toString());
    }
  }
}
