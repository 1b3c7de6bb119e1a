package dev.sessiond.store.redis;

import dev.sessiond.core.keys.ApiKey;
import dev.sessiond.core.keys.ApiKeyStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * API keys whose creation and deletion complete once the replicas hold them ({@link Replication}),
 * so that a failover never brings a deleted key back. Reads go to {@code reads}. Thread-safe.
 */
public final class ReplicatedApiKeyStore implements ApiKeyStore {

  private final ApiKeyStore reads;
  private final ApiKeyStore changes;
  private final Replication replication;

  /** {@code changes} must be a store on the replication's connection. */
  public ReplicatedApiKeyStore(ApiKeyStore reads, ApiKeyStore changes, Replication replication) {
    this.reads = reads;
    this.changes = changes;
    this.replication = replication;
  }

  @Override
  public CompletionStage<Void> create(ApiKey key) {
    return replication.after("a new API key", changes.create(key));
  }

  @Override
  public CompletionStage<Optional<ApiKey>> findByHash(String keyHash) {
    return reads.findByHash(keyHash);
  }

  @Override
  public CompletionStage<List<ApiKey>> list() {
    return reads.list();
  }

  @Override
  public CompletionStage<Integer> delete(String id) {
    return replication.after("an API key's deletion", changes.delete(id));
  }
}
