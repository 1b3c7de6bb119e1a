package dev.sessiond.bench;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;

/**
 * What durability costs on this disk, to set beside the store's own timings:
 * {@code fsync <dir> <rounds>} appends 4 KiB to a file and forces it to disk, {@code rounds}
 * times; then commits a one-row transaction to a SQLite database in WAL mode with
 * synchronous=FULL (as the embedded store does), {@code rounds} times. Prints medians.
 */
public final class FsyncProbe {

  private FsyncProbe() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args[0]));
    int rounds = Integer.parseInt(args[1]);
    long[] fsync = new long[rounds];
    Path file = dir.resolve("fsync-probe");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ByteBuffer block = ByteBuffer.allocate(4096);
      for (int i = 0; i < rounds; i++) {
        block.clear();
        long start = System.nanoTime();
        ch.write(block);
        ch.force(true);
        fsync[i] = System.nanoTime() - start;
      }
    }
    Files.delete(file);
    long[] commit = new long[rounds];
    Path db = dir.resolve("fsync-probe.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath())) {
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
        st.execute("PRAGMA synchronous=FULL");
        st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
      }
      c.setAutoCommit(false);
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO t (v) VALUES (?)")) {
        for (int i = 0; i < rounds; i++) {
          long start = System.nanoTime();
          ins.setString(1, "row " + i);
          ins.executeUpdate();
          c.commit();
          commit[i] = System.nanoTime() - start;
        }
      }
    }
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Files.deleteIfExists(dir.resolve("fsync-probe.db" + suffix));
    }
    System.out.printf("fsync rounds=%d fsync_p50_ms=%.2f fsync_p99_ms=%.2f commit_p50_ms=%.2f commit_p99_ms=%.2f%n", rounds,
        pct(fsync, 0.5), pct(fsync, 0.99), pct(commit, 0.5), pct(commit, 0.99));
  }

  private static double pct(long[] nanos, double p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p) - 1)] / 1e6;
  }
}
