package dev.sessiond.core.keys;

import static java.util.concurrent.CompletableFuture.completedFuture;
import static java.util.concurrent.CompletableFuture.failedFuture;

import dev.sessiond.core.SessiondException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/** API keys in memory only: for tests and for running without persistence. Thread-safe. */
public final class InMemoryApiKeyStore implements ApiKeyStore {

  private final TreeMap<String, ApiKey> byId = new TreeMap<>();
  private final Map<String, ApiKey> byHash = new HashMap<>();

  @Override
  public synchronized CompletionStage<Void> create(ApiKey key) {
    if (byId.containsKey(key.id()) || byHash.containsKey(key.keyHash())) {
      return failedFuture(new SessiondException.Conflict("API key ID or secret is taken"));
    }
    byId.put(key.id(), key);
    byHash.put(key.keyHash(), key);
    return completedFuture(null);
  }

  @Override
  public synchronized CompletionStage<Optional<ApiKey>> findByHash(String keyHash) {
    return completedFuture(Optional.ofNullable(byHash.get(keyHash)));
  }

  @Override
  public synchronized CompletionStage<List<ApiKey>> list() {
    return completedFuture(List.copyOf(byId.values()));
  }

  @Override
  public synchronized CompletionStage<Integer> delete(String id) {
    ApiKey gone = byId.remove(id);
    if (gone == null) {
      return completedFuture(0);
    }
    byHash.remove(gone.keyHash());
    return completedFuture(1);
  }
}
