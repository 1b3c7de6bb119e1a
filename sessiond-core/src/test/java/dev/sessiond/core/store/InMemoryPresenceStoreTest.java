package dev.sessiond.core.store;

/** The presence contract in memory. */
class InMemoryPresenceStoreTest extends PresenceStoreContract {

  @Override
  protected PresenceStore newStore(MutableClock clock) {
    return new InMemoryPresenceStore(clock);
  }
}
