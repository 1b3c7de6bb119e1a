package dev.sessiond.store.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessiond.core.Member;
import dev.sessiond.core.Profile;
import dev.sessiond.core.SessiondException;
import dev.sessiond.core.Tokens;
import dev.sessiond.core.keys.ApiKey;
import dev.sessiond.core.keys.ApiKeyStore;
import dev.sessiond.core.keys.ApiKeyStoreContract;
import dev.sessiond.core.keys.ApiKeys;
import dev.sessiond.core.keys.Scope;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The API key contract with every change waiting for a replica; and, for keys and members alike,
 * a change no replica confirms is refused as unavailable (so a failover cannot bring back a
 * deleted key or a member's old password unannounced).
 */
class RedisReplicatedApiKeyStoreTest extends ApiKeyStoreContract {

  private RedisConnection changes;
  private ApiKeyStore store;

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.primary());
    if (changes != null) {
      changes.close();
    }
  }

  private Replication replication() throws Exception {
    if (changes == null) {
      changes = SharedRedis.primary().another();
    }
    return new Replication(changes, 1);
  }

  @Override
  protected ApiKeyStore store() {
    try {
      if (store == null) {
        store = new ReplicatedApiKeyStore(new RedisApiKeyStore(SharedRedis.primary()), new RedisApiKeyStore(replication().connection()),
            replication());
      }
      return store;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void withoutTheReplicaAKeyDeletionAndAMemberChangeAreRefusedAsUnavailable() throws Exception {
    ApiKey key = new ApiKey(Tokens.newId(), "kept", EnumSet.of(Scope.VERIFY), Tokens.hash(ApiKeys.PREFIX + Tokens.newToken()),
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
    store().create(key).toCompletableFuture().join();
    ReplicatedMemberStore members = new ReplicatedMemberStore(new RedisMemberStore(SharedRedis.primary()),
        new RedisMemberStore(replication().connection()), replication());
    Member ann = new Member(Tokens.newId(), "ann", "hash-1", Profile.member("ann"), Instant.now().truncatedTo(ChronoUnit.MILLIS));
    members.create(ann).toCompletableFuture().join();
    SharedRedis.withoutReplica(() -> {
      assertThatThrownBy(() -> store().delete(key.id()).toCompletableFuture().join())
          .hasCauseInstanceOf(SessiondException.StoreUnavailable.class);
      assertThatThrownBy(() -> members.update(new Member(ann.id(), "ann", "hash-2", ann.profile(), ann.createdAt()))
          .toCompletableFuture().join()).hasCauseInstanceOf(SessiondException.StoreUnavailable.class);
    });
  }
}
