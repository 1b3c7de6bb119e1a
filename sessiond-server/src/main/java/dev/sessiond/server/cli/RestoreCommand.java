package dev.sessiond.server.cli;

import dev.sessiond.store.embedded.DataDirLockedException;
import dev.sessiond.store.embedded.EmbeddedRestore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sessiond restore}: a backup put in a stopped server's place, the replaced files kept aside. */
@Command(name = "restore", mixinStandardHelpOptions = true, versionProvider = SessiondVersion.class, sortOptions = false,
    description = {"Put a backup made by sessiond backup in place of the embedded store of a stopped server. The "
        + "replaced database is moved into DIR/before-restore-<time>/, never deleted. Refused while a server runs "
        + "on DIR. Sessions revoked after the backup was taken are valid again once restored."})
public final class RestoreCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "FILE", description = "The backup file.")
  Path from;

  @Option(names = "--data-dir", defaultValue = "${SESSIOND_DATA_DIR:-./data}",
      description = "The data directory to restore into; made if missing [SESSIOND_DATA_DIR] (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Override
  public Integer call() {
    EmbeddedRestore.Restored restored;
    try {
      restored = EmbeddedRestore.restore(from, dataDir, Clock.systemUTC());
    } catch (DataDirLockedException e) {
      throw new IllegalStateException(e.getMessage() + ": stop the server before restoring", e);
    }
    spec.commandLine().getOut().println("sessiond: restored " + from.toAbsolutePath().normalize() + " into "
        + dataDir.toAbsolutePath().normalize() + ": " + restored.contents().describe() + "; "
        + restored.previous().map(p -> "the replaced database is in " + p.toAbsolutePath().normalize())
            .orElse("there was no database there before"));
    return 0;
  }
}
