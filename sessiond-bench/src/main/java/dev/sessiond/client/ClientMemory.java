package dev.sessiond.client;

import dev.sessiond.core.Tokens;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * Heap per cached session, as the client keeps it ({@link SessionCache}: its entry, its key,
 * the session with its ID, user ID and profile, both indexes), after GC, for {@code n} sessions
 * of {@code n / perUser} users (2 by default) (24-hex member-like IDs), each session with a profile object of its own
 * (as a miss makes one from sessiond's answer) named "User &lt;i&gt;".
 * {@code java -cp sessiond-bench.jar dev.sessiond.client.ClientMemory 200000 2}.
 */
public final class ClientMemory {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int perUser = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    String[] users = new String[n / perUser];
    for (int i = 0; i < users.length; i++) {
      users[i] = Tokens.newId();
    }
    String[] tokens = new String[n];
    for (int i = 0; i < n; i++) {
      tokens[i] = Tokens.newToken();
    }
    long before = usedAfterGc();
    SessionCache cache = new SessionCache(n);
    long expires = System.currentTimeMillis() + 3_600_000;
    for (int i = 0; i < n; i++) {
      int u = i % users.length;
      Profile p = new Profile("User " + u, false, true, true, true, true, true, true, true, true, Map.of());
      // A miss parses a fresh copy of the user ID from each answer, as here.
      VerifiedSession s = new VerifiedSession(Tokens.newId(), new String(users[u]), p, expires);
      if (!cache.putIfUnchangedSince(cache.sequence(), TokenKey.of(tokens[i]), s, System.nanoTime())) {
        throw new IllegalStateException("not cached");
      }
    }
    long after = usedAfterGc();
    System.out.printf("client cache: %d sessions of %d users: %.0f bytes per cached session (heap after GC, %d entries)%n",
        n, users.length, (after - before) / (double) n, cache.size());
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
