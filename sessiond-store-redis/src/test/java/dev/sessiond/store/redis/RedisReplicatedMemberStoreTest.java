package dev.sessiond.store.redis;

import dev.sessiond.core.store.MemberStore;
import dev.sessiond.core.store.MemberStoreContract;
import org.junit.jupiter.api.AfterEach;

/** The member contract with every change waiting for a replica. */
class RedisReplicatedMemberStoreTest extends MemberStoreContract {

  private RedisConnection changes;

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.primary());
    changes.close();
  }

  @Override
  protected MemberStore newStore() throws Exception {
    RedisConnection main = SharedRedis.primary();
    changes = main.another();
    return new ReplicatedMemberStore(new RedisMemberStore(main), new RedisMemberStore(changes), new Replication(changes, 1));
  }
}
