package dev.sessiond.core.keys;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where API keys live, by ID and by the hash of their secret. Every backend passes
 * {@code ApiKeyStoreContract}. A change is durable when its stage completes, and every node
 * sharing the store sees it from its next read: a deleted key is refused from the next request
 * on. Failures complete the stage with {@code SessiondException.StoreUnavailable}.
 */
public interface ApiKeyStore {

  /** Adds the key; an ID or hash already present fails with {@code SessiondException.Conflict}. */
  CompletionStage<Void> create(ApiKey key);

  CompletionStage<Optional<ApiKey>> findByHash(String keyHash);

  /** Every key, in ID order (IDs sort by creation time). */
  CompletionStage<List<ApiKey>> list();

  /** Removes the key; returns 0 when there was none. */
  CompletionStage<Integer> delete(String id);
}
