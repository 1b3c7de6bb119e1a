package dev.sessiond.core.store;

class InMemoryEventLogTest extends EventLogContract {
  @Override
  protected SessionStore newStore(MutableClock clock) {
    return new InMemorySessionStore(clock);
  }
}
