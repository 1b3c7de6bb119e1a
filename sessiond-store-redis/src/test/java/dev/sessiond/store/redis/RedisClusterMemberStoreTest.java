package dev.sessiond.store.redis;

import dev.sessiond.core.store.MemberStore;
import dev.sessiond.core.store.MemberStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The member contract on a 3-master Redis Cluster. */
class RedisClusterMemberStoreTest extends MemberStoreContract {

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.cluster());
  }

  @Override
  protected MemberStore newStore() throws Exception {
    return new RedisMemberStore(SharedRedis.cluster());
  }
}
