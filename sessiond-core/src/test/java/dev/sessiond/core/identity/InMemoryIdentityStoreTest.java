package dev.sessiond.core.identity;

import java.time.Clock;

class InMemoryIdentityStoreTest extends IdentityStoreContract {

  private final IdentityStore store = new InMemoryIdentityStore(Clock.systemUTC());

  @Override
  protected IdentityStore store() {
    return store;
  }
}
