package dev.sessiond.core.store;

import dev.sessiond.core.SessionEvent.ConnectionsChanged;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where each node keeps the state of the live connections it holds, so that every node sharing
 * the store can report the whole picture ({@code state.connections}, {@code is_connected}).
 * A node's entries count while it keeps refreshing them, at most {@code ttl} apart: those of a
 * node that dies without a word (SIGKILL, power loss) stop counting {@code ttl} after its last
 * refresh. Every backend passes {@code PresenceStoreContract}. Failures complete the stage with
 * {@code StoreUnavailable}.
 */
public interface PresenceStore {

  /** For a node that shares its store with no other (embedded, memory): there is no one to tell. */
  PresenceStore NONE = new PresenceStore() {
    @Override
    public CompletionStage<Void> put(ConnectionsChanged state, Duration ttl) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> remove(String node, String sessionId) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> refresh(String node, Duration ttl) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<List<ConnectionsChanged>> live() {
      return CompletableFuture.completedFuture(List.of());
    }
  };

  /**
   * Records a node's state of one session ({@link ConnectionsChanged#node()} says which node):
   * kept while it has connections or still counts as connected (its reconnect grace), removed
   * otherwise. Also refreshes the node.
   */
  CompletionStage<Void> put(ConnectionsChanged state, Duration ttl);

  /** Removes a node's entry of one session (the session ended). */
  CompletionStage<Void> remove(String node, String sessionId);

  /** Keeps every entry of {@code node} counting for another {@code ttl}. */
  CompletionStage<Void> refresh(String node, Duration ttl);

  /** The entries of every node that refreshed within its ttl. */
  CompletionStage<List<ConnectionsChanged>> live();
}
