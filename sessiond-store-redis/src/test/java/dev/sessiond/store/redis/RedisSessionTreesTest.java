package dev.sessiond.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Reasons;
import dev.sessiond.core.store.MutableClock;
import dev.sessiond.core.store.SessionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The indexes past one bucket ({@link Scripts#BUCKET} fields): enough sessions that both trees
 * and the expiry buckets split, read back through every query, on standalone Redis and a Cluster.
 */
class RedisSessionTreesTest {

  private final MutableClock clock = new MutableClock(java.time.Instant.now());
  private final List<Session> all = new ArrayList<>();
  private final List<Session> heavy = new ArrayList<>();

  @BeforeEach
  void flush() throws Exception {
    SharedRedis.flush(SharedRedis.standalone());
    SharedRedis.flush(SharedRedis.cluster());
  }

  @AfterEach
  void empty() throws Exception {
    flush();
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private void fill(SessionStore store) {
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      all.add(session(store, "user-" + (i % 70)));
    }
    for (int i = 0; i < 250; i++) {
      Session s = session(store, "heavy");
      heavy.add(s);
      all.add(s);
    }
    for (Session s : all) {
      pending.add(store.create(s, Actor.API_TOKEN).toCompletableFuture());
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
  }

  private Session session(SessionStore store, String user) {
    return new Session(store.newId(user), user, dev.sessiond.core.Tokens.hash(store.newToken(user)),
        Profile.member(user), clock.instant(), clock.instant(), clock.instant().plus(Duration.ofHours(1)),
        clock.instant().plus(Duration.ofHours(24)), "127.0.0.1", "test");
  }

  private static <T> List<T> pages(int size, BiFunction<T, Integer, List<T>> page) {
    List<T> seen = new ArrayList<>();
    T after = null;
    while (true) {
      List<T> p = page.apply(after, size);
      if (p.isEmpty()) {
        return seen;
      }
      assertThat(p.size()).isLessThanOrEqualTo(size);
      seen.addAll(p);
      after = p.get(p.size() - 1);
    }
  }

  private List<String> ids(List<Session> sessions) {
    return sessions.stream().map(Session::id).sorted().toList();
  }

  @Test
  void standalone() throws Exception {
    everyQueryPastOneBucket(new RedisSessionStore(SharedRedis.standalone(), clock));
  }

  @Test
  void cluster() throws Exception {
    everyQueryPastOneBucket(new RedisSessionStore(SharedRedis.cluster(), clock));
  }

  private void everyQueryPastOneBucket(SessionStore store) {
    fill(store);
    List<String> listed = pages(37, (String after, Integer n) -> await(store.list(null, after, n)).stream().map(Session::id)
        .toList());
    assertThat(listed).isEqualTo(ids(all));
    assertThat(pages(30, (String after, Integer n) -> await(store.list("heavy", after, n)).stream().map(Session::id).toList()))
        .isEqualTo(ids(heavy));
    List<String> users = new ArrayList<>(all.stream().map(Session::userId).distinct().sorted().toList());
    assertThat(pages(7, (String after, Integer n) -> await(store.listUsers(after, n)))).isEqualTo(users);
    for (Session s : all.subList(0, 50)) {
      assertThat(await(store.findById(s.id()))).contains(s);
    }
    assertThat(await(store.counts())).isEqualTo(new SessionStore.Counts(950, 71));

    assertThat(await(store.updateProfile("heavy", Profile.admin("Heavy"), dev.sessiond.core.events.Actor.API_TOKEN))).isEqualTo(250);
    assertThat(await(store.findByTokenHash(heavy.get(123).tokenHash())).orElseThrow().profile().isAdmin()).isTrue();
    assertThat(await(store.deleteByUser("heavy", Actor.API_TOKEN, Reasons.USER))).isEqualTo(250);
    assertThat(await(store.list("heavy", null, 10))).isEmpty();
    assertThat(await(store.counts())).isEqualTo(new SessionStore.Counts(700, 70));
    assertThat(await(store.delete(all.get(0).id(), Actor.API_TOKEN, Reasons.DELETED))).isEqualTo(1);

    Session touched = all.get(1);
    clock.advance(Duration.ofMinutes(50));
    await(store.touch(touched.touchedAt(clock.instant(), Duration.ofHours(1))));
    clock.advance(Duration.ofMinutes(20));
    List<SessionStore.Expired> purged = await(store.purgeExpired());
    assertThat(purged).hasSize(698).doesNotContain(SessionStore.Expired.of(touched));
    assertThat(await(store.list(null, null, 10))).extracting(Session::id).containsExactly(touched.id());
    assertThat(await(store.listUsers(null, 10))).containsExactly(touched.userId());
    assertThat(await(store.counts())).isEqualTo(new SessionStore.Counts(1, 1));
    clock.advance(Duration.ofHours(1));
    assertThat(await(store.purgeExpired())).containsExactly(SessionStore.Expired.of(touched));
    assertThat(await(store.counts())).isEqualTo(new SessionStore.Counts(0, 0));
  }

  @Test
  void clearDeletesTheOldGenerationsKeysInTheBackground() throws Exception {
    RedisConnection redis = SharedRedis.standalone();
    SessionStore store = new RedisSessionStore(redis, clock);
    fill(store);
    assertThat(await(store.deleteAll(Actor.API_TOKEN))).isEqualTo(950);
    assertThat(await(store.findByTokenHash(all.get(5).tokenHash()))).isEmpty();
    String oldGen = Long.toString(Long.parseLong(redis.run("gen", c -> c.get(RedisSessionStore.GEN)).join()) - 1);
    // Waits for the thing itself: the token keys and every key of the old generation gone (the
    // background walk deletes the token keys first, then the trees; a busy machine takes seconds).
    long deadline = System.nanoTime() + 30_000_000_000L;
    List<String> left;
    while (true) {
      left = new java.util.ArrayList<>(redis.run("keys", c -> c.keys("{sd}:k:*")).join());
      left.addAll(redis.run("keys", c -> c.keys("{sd}:" + oldGen + ":*")).join());
      if (left.isEmpty() || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(50);
    }
    assertThat(left).as("keys of the cleared generation left after 30 s").isEmpty();
  }
}
