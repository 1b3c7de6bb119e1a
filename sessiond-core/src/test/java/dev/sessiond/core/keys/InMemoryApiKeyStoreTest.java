package dev.sessiond.core.keys;

class InMemoryApiKeyStoreTest extends ApiKeyStoreContract {

  private final InMemoryApiKeyStore store = new InMemoryApiKeyStore();

  @Override
  protected ApiKeyStore store() {
    return store;
  }
}
