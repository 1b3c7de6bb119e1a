package dev.sessiond.server.ws;

import dev.sessiond.core.SessionEvent.ConnectionsChanged;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What other nodes say about their live connections of each session: heard over the bridge as
 * they change ({@link #heard}) and re-read from the presence store at every heartbeat
 * ({@link #beginSync}, {@link #endSync}), minus whatever this node knows to be older than a change
 * it applied. Both channels can carry a word that left the other node before it learned of a
 * change (a presence read in flight, a message already published), and taking it would undo the
 * change here: the node that answered 204 to a disconnect would say {@code is_connected: true}
 * right after. So:
 * <ul>
 *   <li>a session that ended counts on no node any more, whatever arrives about it later (IDs
 *       are never reused; remembered for {@code bound});
 *   <li>after a disconnect, a node that held the session counts as not connected until it says so
 *       itself over the bridge (its own disconnect), or {@code bound} has passed; presence reads
 *       leave the session alone meanwhile;
 *   <li>a presence read applies nothing to a session that changed while it was in flight, and
 *       nothing at all when every session ended meanwhile.
 * </ul>
 * Thread-safe: changes take this object's lock; reads ({@link #of}, {@link #sessionIds}) do not.
 */
final class RemoteConnections {

  private final Duration bound;
  /** Session ID -> node -> what that node said. */
  private final ConcurrentHashMap<String, Map<String, ConnectionsChanged>> bySession = new ConcurrentHashMap<>();
  /** Sessions that ended -> until when (System.nanoTime) to refuse word of them. */
  private final Map<String, Long> ended = new HashMap<>();
  /** Sessions disconnected here -> the nodes whose "connected" is void until they say otherwise. */
  private final Map<String, Cut> cuts = new HashMap<>();
  /** Presence reads in flight. */
  private final Set<Sync> syncs = new HashSet<>();

  private record Cut(Set<String> nodes, long until) {}

  /** A presence read in flight, and what changed under it. */
  static final class Sync {
    private final Set<String> touched = new HashSet<>();
    private boolean all;
  }

  /** {@code bound}: how long a change made here outranks later word from other nodes. */
  RemoteConnections(Duration bound) {
    this.bound = bound;
  }

  /** What other nodes hold of a session (empty when none). */
  Collection<ConnectionsChanged> of(String sessionId) {
    Map<String, ConnectionsChanged> byNode = bySession.get(sessionId);
    return byNode == null ? List.of() : byNode.values();
  }

  /** Sessions some other node said something about. */
  Set<String> sessionIds() {
    return bySession.keySet();
  }

  /** Another node's state of a session, as it changed; false when it is void here (see the class). */
  synchronized boolean heard(ConnectionsChanged state) {
    long now = System.nanoTime();
    String id = state.sessionId();
    if (isEnded(id, now)) {
      return false;
    }
    Cut cut = cuts.get(id);
    if (cut != null) {
      if (now - cut.until() >= 0) {
        cuts.remove(id);
      } else if (cut.nodes().contains(state.node())) {
        if (state.connected()) {
          return false;   // said before that node dropped the session's sockets
        }
        cut.nodes().remove(state.node());
        if (cut.nodes().isEmpty()) {
          cuts.remove(id);
        }
      }
    }
    touched(id);
    bySession.computeIfAbsent(id, k -> new ConcurrentHashMap<>()).put(state.node(), state);
    return true;
  }

  /**
   * The session ended: no node holds it. Only a session some node was heard to hold is
   * remembered (an expiry sweep ends sessions by the million); a presence read in flight skips
   * any session that ended.
   */
  synchronized void ended(String sessionId) {
    if (bySession.containsKey(sessionId)) {
      end(sessionId, System.nanoTime());
    } else {
      touched(sessionId);
    }
  }

  /** Every session of a user ended. */
  synchronized void endedUser(String userId) {
    long now = System.nanoTime();
    for (Map.Entry<String, Map<String, ConnectionsChanged>> e : List.copyOf(bySession.entrySet())) {
      if (e.getValue().values().stream().anyMatch(s -> s.userId().equals(userId))) {
        end(e.getKey(), now);
      }
    }
  }

  /** Every session ended. */
  synchronized void endedAll() {
    long now = System.nanoTime();
    for (String id : List.copyOf(bySession.keySet())) {
      end(id, now);
    }
    syncs.forEach(s -> s.all = true);
  }

  /**
   * The session's sockets were dropped on every node; true when another node was known to hold
   * it. Each such node counts as not connected until it says so itself.
   */
  synchronized boolean disconnected(String sessionId) {
    Map<String, ConnectionsChanged> byNode = bySession.remove(sessionId);
    touched(sessionId);
    if (byNode == null || byNode.isEmpty()) {
      return false;
    }
    cuts.put(sessionId, new Cut(new HashSet<>(byNode.keySet()), System.nanoTime() + bound.toNanos()));
    return true;
  }

  /** Registers a presence read about to start. */
  synchronized Sync beginSync() {
    Sync sync = new Sync();
    syncs.add(sync);
    return sync;
  }

  /** Forgets a presence read that failed. */
  synchronized void abortSync(Sync sync) {
    syncs.remove(sync);
  }

  /**
   * Applies a presence read: {@code states}, every live node's entries (this node's,
   * {@code self}, are skipped). What a node said but the store no longer holds (the node died and
   * its ttl ran out, or a message was lost) stops counting, as not connected since {@code now}.
   * Returns the sessions whose state changed, with their user IDs.
   */
  synchronized Map<String, String> endSync(Sync sync, List<ConnectionsChanged> states, String self, Instant now) {
    syncs.remove(sync);
    forgetOld(System.nanoTime());
    Map<String, String> changed = new HashMap<>();
    if (sync.all) {
      return changed;
    }
    Map<String, Map<String, ConnectionsChanged>> fresh = new HashMap<>();
    for (ConnectionsChanged s : states) {
      if (!s.node().equals(self)) {
        fresh.computeIfAbsent(s.sessionId(), id -> new HashMap<>()).put(s.node(), s);
      }
    }
    for (Map.Entry<String, Map<String, ConnectionsChanged>> e : bySession.entrySet()) {
      if (skip(sync, e.getKey())) {
        continue;
      }
      for (ConnectionsChanged known : List.copyOf(e.getValue().values())) {
        boolean gone = !fresh.getOrDefault(e.getKey(), Map.of()).containsKey(known.node());
        if (gone && known.connected()) {
          e.getValue().put(known.node(), new ConnectionsChanged(known.sessionId(), known.userId(), known.node(), 0,
              false, known.connectedSince(), now));
          changed.put(known.sessionId(), known.userId());
        }
      }
    }
    fresh.forEach((sessionId, byNode) -> {
      if (skip(sync, sessionId)) {
        return;
      }
      byNode.forEach((other, s) -> {
        if (!s.equals(bySession.computeIfAbsent(sessionId, id -> new ConcurrentHashMap<>()).put(other, s))) {
          changed.put(sessionId, s.userId());
        }
      });
    });
    return changed;
  }

  /** Whether a presence read must leave this session alone: it changed meanwhile, ended, or was cut. */
  private boolean skip(Sync sync, String sessionId) {
    return sync.touched.contains(sessionId) || ended.containsKey(sessionId) || cuts.containsKey(sessionId);
  }

  private void end(String sessionId, long now) {
    bySession.remove(sessionId);
    cuts.remove(sessionId);
    ended.put(sessionId, now + bound.toNanos());
    touched(sessionId);
  }

  private boolean isEnded(String sessionId, long now) {
    Long until = ended.get(sessionId);
    if (until == null) {
      return false;
    }
    if (now - until < 0) {
      return true;
    }
    ended.remove(sessionId);
    return false;
  }

  private void touched(String sessionId) {
    for (Sync s : syncs) {
      s.touched.add(sessionId);
    }
  }

  private void forgetOld(long now) {
    ended.values().removeIf(until -> now - until >= 0);
    cuts.values().removeIf(cut -> now - cut.until() >= 0);
  }
}
