package dev.sessiond.server.limits;

import java.lang.management.ManagementFactory;

/**
 * The default ceiling on WebSockets: what the process's open-file limit leaves once HTTP
 * connections, the store's files and the JVM's own have theirs, and at most 200,000 (about
 * 600 MB of heap at the 2.8 KB per socket docs/benchmarks.md measures). Past the open-file
 * limit a socket is not refused cleanly: every accept fails, verify included.
 */
public final class OpenFiles {

  /** Where the open-file limit is unknown, or larger than a node should hold in sockets. */
  public static final int MOST_WEBSOCKETS = 200_000;
  /** Kept for everything else (HTTP keep-alive connections behind a proxy, store files, the JVM). */
  public static final int RESERVED = 1_000;

  private OpenFiles() {}

  /** The open-file limit less {@link #RESERVED} (half of a limit under twice that), at most {@link #MOST_WEBSOCKETS}. */
  public static int defaultMaxWebSockets() {
    long limit = limit();
    if (limit <= 0) {
      return MOST_WEBSOCKETS;
    }
    return (int) Math.max(1, Math.min(MOST_WEBSOCKETS, limit - Math.min(RESERVED, limit / 2)));
  }

  /** The process's open-file limit (which the JVM raises to the hard limit at start), or 0 when unknown. */
  static long limit() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return 0;
  }
}
