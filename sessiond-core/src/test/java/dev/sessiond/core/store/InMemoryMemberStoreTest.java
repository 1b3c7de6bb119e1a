package dev.sessiond.core.store;

class InMemoryMemberStoreTest extends MemberStoreContract {
  @Override
  protected MemberStore newStore() {
    return new InMemoryMemberStore();
  }
}
