package dev.sessiond.core.throttle;

import static org.assertj.core.api.Assertions.assertThat;

/** The contract in memory, which the memory and embedded stores both use. */
class InMemoryThrottleStoreTest extends ThrottleStoreContract {

  private InMemoryThrottleStore memory;

  @Override
  protected ThrottleStore newStore() {
    memory = new InMemoryThrottleStore(clock);
    return memory;
  }

  @Override
  protected void awaitDropped(String key) {
    memory.sweep();
    assertThat(memory.size()).as("only 'other' is left").isEqualTo(1);
  }
}
