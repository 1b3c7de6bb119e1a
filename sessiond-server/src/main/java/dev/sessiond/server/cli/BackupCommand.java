package dev.sessiond.server.cli;

import dev.sessiond.store.embedded.BackupContents;
import dev.sessiond.store.embedded.EmbeddedBackup;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sessiond backup}: a consistent copy of the embedded store, taken while the server runs. */
@Command(name = "backup", mixinStandardHelpOptions = true, versionProvider = SessiondVersion.class, sortOptions = false,
    description = {"Copy the embedded store into one file while a server runs on it: SQLite's online backup, the "
        + "database as of one moment (every session and revocation acknowledged before it began), without pausing "
        + "the server. Run it as the server's user.",
        "Restore it with: sessiond restore --from FILE --data-dir DIR"})
public final class BackupCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--data-dir", defaultValue = "${SESSIOND_DATA_DIR:-./data}",
      description = "The server's data directory [SESSIOND_DATA_DIR] (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--to", required = true, paramLabel = "FILE",
      description = "The backup file to write (a SQLite database, mode 0600); it is written as FILE.partial and "
          + "renamed when complete and checked.")
  Path to;

  @Option(names = "--overwrite",
      description = "Replace FILE if it exists (atomically: it is whole before and after).")
  boolean overwrite;

  @Override
  public Integer call() {
    long start = System.nanoTime();
    BackupContents contents = EmbeddedBackup.backup(dataDir, to, overwrite);
    spec.commandLine().getOut().println("sessiond: backed up " + dataDir.toAbsolutePath().normalize() + " to "
        + to.toAbsolutePath().normalize() + ": " + contents.describe() + " in "
        + (System.nanoTime() - start) / 1_000_000 + " ms");
    return 0;
  }
}
