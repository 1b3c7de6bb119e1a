package dev.sessiond.core.store;

class InMemorySessionStoreTest extends SessionStoreContract {
  @Override
  protected SessionStore newStore(MutableClock clock) {
    return new InMemorySessionStore(clock);
  }
}
