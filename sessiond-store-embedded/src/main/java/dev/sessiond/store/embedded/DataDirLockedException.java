package dev.sessiond.store.embedded;

import java.nio.file.Path;

/** Another sessiond process (or another store in this one) holds the data directory. */
public final class DataDirLockedException extends IllegalStateException {

  public DataDirLockedException(Path dataDir, Path lockFile) {
    super("data directory " + dataDir.toAbsolutePath() + " is in use by another sessiond process (lock file "
        + lockFile.toAbsolutePath() + ")");
  }
}
