package dev.sessiond.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.SessiondException;
import dev.sessiond.core.Tokens;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventQuery;
import dev.sessiond.core.events.Reasons;
import dev.sessiond.core.store.MutableClock;
import dev.sessiond.core.store.SessionStore;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a 3-master Redis Cluster shares sessiond's keys: S shards, each session on its user's. */
class RedisClusterShardsTest {

  private final MutableClock clock = new MutableClock(Instant.now());

  @AfterEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.cluster());
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private Session session(SessionStore store, String user) {
    Instant now = clock.instant();
    return new Session(store.newId(user), user, Tokens.hash(store.newToken(user)), Profile.member(user), now, now,
        now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(24)), "127.0.0.1", "test");
  }

  @Test
  void aNewClusterHasTwelveShardsSpreadEvenlyOverItsMasters() throws Exception {
    RedisConnection redis = SharedRedis.cluster();
    await(redis.run("start afresh", c -> c.flushall()));
    RedisSessionStore store = new RedisSessionStore(redis, clock);
    assertThat(store.shards()).isEqualTo(Shards.CLUSTER_DEFAULT);
    String count = await(redis.run("read", c -> c.get(Shards.COUNT_KEY)));
    assertThat(count).isEqualTo("12");
    Shards shards = Shards.of(12);
    Map<String, Integer> perMaster = new HashMap<>();
    for (int i = 0; i < 12; i++) {
      perMaster.merge(masterOf(redis, SlotHash.getSlot(shards.gen(i))), 1, Integer::sum);
    }
    assertThat(perMaster.values()).containsExactly(4, 4, 4);

    List<CompletableFuture<Void>> made = new ArrayList<>();
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      Session s = session(store, "spread-" + i);
      sessions.add(s);
      made.add(store.create(s, Actor.API_TOKEN).toCompletableFuture());
    }
    CompletableFuture.allOf(made.toArray(CompletableFuture[]::new)).join();
    Map<String, Integer> tokensPerMaster = new HashMap<>();
    for (Session s : sessions) {
      int shard = shards.ofUser(s.userId());
      assertThat(shards.ofTokenHash(s.tokenHash())).isEqualTo(shard);
      assertThat(shards.ofId(s.id())).isEqualTo(shard);
      tokensPerMaster.merge(masterOf(redis, SlotHash.getSlot(shards.prefix(shard) + "k:" + s.tokenHash())), 1, Integer::sum);
      assertThat(await(store.findByTokenHash(s.tokenHash()))).contains(s);
    }
    assertThat(tokensPerMaster.values()).hasSize(3).allSatisfy(n -> assertThat(n).isBetween(150, 250));
    store.close();
  }

  /** The node (host:port) serving a slot, from CLUSTER SLOTS. */
  @SuppressWarnings("unchecked")
  private static String masterOf(RedisConnection redis, int slot) {
    for (Object range : await(redis.run("slots", c -> c.clusterSlots()))) {
      List<Object> r = (List<Object>) range;
      if (slot >= ((Number) r.get(0)).intValue() && slot <= ((Number) r.get(1)).intValue()) {
        List<Object> master = (List<Object>) r.get(2);
        return master.get(0) + ":" + master.get(1);
      }
    }
    throw new IllegalStateException("no node serves slot " + slot);
  }

  @Test
  void aClusterHoldingTheOneTagLayoutKeepsIt() throws Exception {
    RedisConnection redis = SharedRedis.cluster();
    await(redis.run("start afresh", c -> c.flushall()));
    await(redis.run("an earlier version's data", c -> c.set(RedisSessionStore.GEN, "7")));
    RedisSessionStore store = new RedisSessionStore(redis, clock);
    assertThat(store.shards()).isEqualTo(1);
    Session s = session(store, "old");
    await(store.create(s, Actor.API_TOKEN));
    String value = await(redis.run("read", c -> c.get("{sd}:k:" + s.tokenHash())));
    assertThat(value).startsWith("7 ");
    assertThat(await(store.log().lastId()).orElseThrow()).matches("\\d+-\\d+");
    store.close();
  }

  @Test
  void anEntryAppendedLaterUnderAnOlderTimeIsStillReadAfterACursor() throws Exception {
    RedisConnection redis = SharedRedis.cluster();
    RedisSessionStore ahead = new RedisSessionStore(redis, clock);
    MutableClock slowClock = new MutableClock(clock.instant().minus(Duration.ofSeconds(10)));
    RedisSessionStore behind = new RedisSessionStore(redis, slowClock);
    String first = "ahead-user";
    String other = "behind-user";
    for (int i = 0; Shards.of(12).ofUser(other) == Shards.of(12).ofUser(first); i++) {
      other = "behind-user-" + i;
    }
    await(ahead.create(session(ahead, first), Actor.API_TOKEN));
    String cursor = await(ahead.log().lastId()).orElseThrow();
    Session late = session(behind, other);
    await(behind.create(late, Actor.API_TOKEN));
    List<Event> after = await(ahead.log().read(EventQuery.after(cursor, 10)));
    assertThat(after).extracting(Event::sessionId).containsExactly(late.id());
    assertThat(await(ahead.log().read(EventQuery.after(after.get(0).id(), 10)))).isEmpty();
    // Read from the start, the late entry orders first, so its cursor differs; its key does not.
    Event again = await(ahead.log().read(new EventQuery(null, 10, other, null, null))).get(0);
    assertThat(again.sessionId()).isEqualTo(late.id());
    assertThat(again.id()).isNotEqualTo(after.get(0).id());
    assertThat(ahead.log().key(again.id())).isEqualTo(ahead.log().key(after.get(0).id()));
    assertThat(await(ahead.log().read(EventQuery.after(again.id(), 10)))).extracting(Event::sessionId)
        .doesNotContain(late.id());
    ahead.close();
    behind.close();
  }

  @Test
  void clearBumpsEveryShardAndLogsOneEvent() throws Exception {
    RedisSessionStore store = new RedisSessionStore(SharedRedis.cluster(), clock);
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Session s = session(store, "clear-" + i);
      sessions.add(s);
      await(store.create(s, Actor.API_TOKEN));
    }
    String last = await(store.log().lastId()).orElseThrow();
    assertThat(await(store.deleteAll(Actor.API_TOKEN))).isEqualTo(40);
    for (Session s : sessions) {
      assertThat(await(store.findByTokenHash(s.tokenHash()))).isEmpty();
    }
    assertThat(await(store.log().read(EventQuery.after(last, 10)))).singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(Reasons.CLEAR))
        .satisfies(e -> assertThat(e.count()).isEqualTo(40));
    assertThat(await(store.counts())).isEqualTo(new SessionStore.Counts(0, 0));
    store.close();
  }

  @Test
  void aStreamIdIsNotACursorOfTwelveShards() throws Exception {
    RedisSessionStore store = new RedisSessionStore(SharedRedis.cluster(), clock);
    assertThatThrownBy(() -> await(store.log().read(EventQuery.after("1700000000000-0", 10))))
        .hasRootCauseInstanceOf(SessiondException.Invalid.class);
    assertThatThrownBy(() -> await(store.log().read(EventQuery.after("..........." + "x", 10))))
        .hasRootCauseInstanceOf(SessiondException.Invalid.class);
    store.close();
  }
}
