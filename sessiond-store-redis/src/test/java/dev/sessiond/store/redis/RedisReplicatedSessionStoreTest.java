package dev.sessiond.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessiond.core.SessiondException;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Reasons;
import dev.sessiond.core.store.MutableClock;
import dev.sessiond.core.store.SessionStore;
import dev.sessiond.core.store.SessionStoreContract;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The session contract with every change waiting for a replica, and what happens when none confirms. */
class RedisReplicatedSessionStoreTest extends SessionStoreContract {

  private RedisConnection changes;

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.primary());
    if (changes != null) {
      changes.close();
    }
  }

  @Override
  protected SessionStore newStore(MutableClock clock) throws Exception {
    RedisConnection main = SharedRedis.primary();
    changes = main.another();
    return new ReplicatedSessionStore(new RedisSessionStore(main, clock), new RedisSessionStore(changes, clock), new Replication(changes, 1));
  }

  @Test
  void withoutTheReplicaAChangeIsRefusedAsUnavailableAndReadsGoOn() throws Exception {
    var kept = saved("before-the-replica-left");
    SharedRedis.withoutReplica(() -> {
      long started = System.nanoTime();
      assertThatThrownBy(() -> await(store.create(session("after-the-replica-left"), Actor.API_TOKEN)))
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(SessiondException.StoreUnavailable.class);
      assertThat((System.nanoTime() - started) / 1_000_000).isBetween(1_000L, 3_000L);
      assertThatThrownBy(() -> await(store.delete(kept.id(), Actor.API_TOKEN, Reasons.DELETED)))
          .hasCauseInstanceOf(SessiondException.StoreUnavailable.class);
      assertThat(await(store.findByTokenHash(kept.tokenHash()))).isEmpty();
    });
  }
}
