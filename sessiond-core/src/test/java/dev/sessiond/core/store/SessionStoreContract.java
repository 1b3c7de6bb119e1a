package dev.sessiond.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.Tokens;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Reasons;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every SessionStore promises. A backend runs it with a subclass that says how to make
 * a store on a given clock.
 */
public abstract class SessionStoreContract {

  // Starts at the real time: stores with native expiry (Redis TTLs) set absolute deadlines.
  protected final MutableClock clock = new MutableClock(Instant.now());
  protected SessionStore store;

  protected abstract SessionStore newStore(MutableClock clock) throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore(clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  protected static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  protected Session session(String userId) {
    return session(userId, Duration.ofHours(1));
  }

  protected Session session(String userId, Duration life) {
    Instant now = clock.instant();
    return new Session(store.newId(userId), userId, Tokens.hash(store.newToken(userId)), Profile.member(userId), now, now,
        now.plus(life), now.plus(Duration.ofHours(24)), "127.0.0.1", "test");
  }

  protected Session saved(String userId) {
    Session s = session(userId);
    await(store.create(s, Actor.API_TOKEN));
    return s;
  }

  @Test
  void aCreatedSessionIsFoundByIdAndByTokenHash() {
    Session s = saved("alice");
    assertThat(await(store.findById(s.id()))).contains(s);
    assertThat(await(store.findByTokenHash(s.tokenHash()))).contains(s);
    assertThat(await(store.findById("missing"))).isEmpty();
    assertThat(await(store.findByTokenHash("missing"))).isEmpty();
  }

  @Test
  void profilesRoundTripWithTheirPlugins() {
    Profile p = new Profile("Ada", true, true, false, true, false, true, false, true, false,
        Map.of("theme", Map.of("dark", true), "n", 3, "tags", List.of("a", "b")));
    Session s = session("ada").withProfile(p);
    await(store.create(s, Actor.API_TOKEN));
    assertThat(await(store.findById(s.id())).orElseThrow().profile()).isEqualTo(p);
  }

  @Test
  void anExpiredSessionIsAbsentFromEveryRead() {
    Session s = session("bob", Duration.ofMinutes(5));
    await(store.create(s, Actor.API_TOKEN));
    clock.advance(Duration.ofMinutes(5));
    assertThat(await(store.findById(s.id()))).isEmpty();
    assertThat(await(store.findByTokenHash(s.tokenHash()))).isEmpty();
    assertThat(await(store.list(null, null, 100))).isEmpty();
    assertThat(await(store.list("bob", null, 100))).isEmpty();
    assertThat(await(store.listUsers(null, 100))).isEmpty();
  }

  @Test
  void touchSlidesTheSessionsTimes() {
    Session s = session("carol", Duration.ofMinutes(5));
    await(store.create(s, Actor.API_TOKEN));
    clock.advance(Duration.ofMinutes(4));
    await(store.touch(s.touchedAt(clock.instant(), Duration.ofMinutes(5))));
    clock.advance(Duration.ofMinutes(4));
    Session found = await(store.findByTokenHash(s.tokenHash())).orElseThrow();
    assertThat(found.lastSeenAt()).isEqualTo(s.createdAt().plus(Duration.ofMinutes(4)));
    assertThat(found.expiresAt()).isEqualTo(s.createdAt().plus(Duration.ofMinutes(9)));
  }

  @Test
  void deletingCountsWhatWentAndWhatIsGoneReportsZero() {
    Session s = saved("dave");
    assertThat(await(store.delete(s.id(), Actor.API_TOKEN, Reasons.DELETED))).isEqualTo(1);
    assertThat(await(store.findByTokenHash(s.tokenHash()))).isEmpty();
    assertThat(await(store.delete(s.id(), Actor.API_TOKEN, Reasons.DELETED))).isZero();
  }

  @Test
  void deletingAUserEndsOnlyThatUsersSessions() {
    Session a1 = saved("erin");
    Session a2 = saved("erin");
    Session other = saved("frank");
    assertThat(await(store.deleteByUser("erin", Actor.API_TOKEN, Reasons.USER))).isEqualTo(2);
    assertThat(await(store.findById(a1.id()))).isEmpty();
    assertThat(await(store.findById(a2.id()))).isEmpty();
    assertThat(await(store.findById(other.id()))).isPresent();
    assertThat(await(store.deleteByUser("erin", Actor.API_TOKEN, Reasons.USER))).isZero();
  }

  @Test
  void deletingAllCountsEverySession() {
    saved("g1");
    saved("g2");
    saved("g2");
    assertThat(await(store.deleteAll(Actor.API_TOKEN))).isEqualTo(3);
    assertThat(await(store.list(null, null, 10))).isEmpty();
    assertThat(await(store.deleteAll(Actor.API_TOKEN))).isZero();
  }

  @Test
  void listPagesByKeysetInIdOrder() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      ids.add(saved("u" + (i % 2)).id());
    }
    ids.sort(null);
    List<String> seen = new ArrayList<>();
    String after = null;
    while (true) {
      List<Session> page = await(store.list(null, after, 3));
      if (page.isEmpty()) {
        break;
      }
      assertThat(page.size()).isLessThanOrEqualTo(3);
      page.forEach(s -> seen.add(s.id()));
      after = page.get(page.size() - 1).id();
    }
    assertThat(seen).isEqualTo(ids);
  }

  @Test
  void listFiltersByUser() {
    saved("hank");
    Session mine = saved("ivy");
    Session mine2 = saved("ivy");
    List<String> expected = new ArrayList<>(List.of(mine.id(), mine2.id()));
    expected.sort(null);
    assertThat(await(store.list("ivy", null, 10))).extracting(Session::id).isEqualTo(expected);
    assertThat(await(store.list("ivy", expected.get(0), 10))).extracting(Session::id).containsExactly(expected.get(1));
    assertThat(await(store.list("ivy", null, 1))).hasSize(1);
    assertThat(await(store.list("nobody", null, 10))).isEmpty();
  }

  @Test
  void listUsersGivesEachUserOnceInOrderAndPages() {
    saved("kim");
    saved("jo");
    saved("jo");
    saved("lee");
    assertThat(await(store.listUsers(null, 10))).containsExactly("jo", "kim", "lee");
    assertThat(await(store.listUsers(null, 2))).containsExactly("jo", "kim");
    assertThat(await(store.listUsers("kim", 2))).containsExactly("lee");
  }

  @Test
  void listUsersSkipsUsersWhoseSessionsAllExpired() {
    await(store.create(session("mia", Duration.ofMinutes(1)), Actor.API_TOKEN));
    saved("ned");
    clock.advance(Duration.ofMinutes(2));
    assertThat(await(store.listUsers(null, 10))).containsExactly("ned");
  }

  @Test
  void updateProfileChangesOnlyThatUsersSessions() {
    Session o1 = saved("olga");
    saved("olga");
    Session other = saved("pat");
    Profile admin = Profile.admin("Olga");
    assertThat(await(store.updateProfile("olga", admin, Actor.API_TOKEN))).isEqualTo(2);
    assertThat(await(store.findByTokenHash(o1.tokenHash())).orElseThrow().profile()).isEqualTo(admin);
    assertThat(await(store.findById(other.id())).orElseThrow().profile().isAdmin()).isFalse();
    assertThat(await(store.updateProfile("nobody", admin, Actor.API_TOKEN))).isZero();
  }

  @Test
  void countsSessionsAndDistinctUsers() {
    saved("q");
    saved("q");
    saved("r");
    SessionStore.Counts counts = await(store.counts());
    assertThat(counts.sessions()).isEqualTo(3);
    assertThat(counts.users()).isEqualTo(2);
  }

  @Test
  void purgeExpiredRemovesAndReturnsExactlyTheExpired() {
    Session shortLived = session("s", Duration.ofMinutes(1));
    await(store.create(shortLived, Actor.API_TOKEN));
    Session longLived = saved("t");
    clock.advance(Duration.ofMinutes(2));
    List<SessionStore.Expired> purged = await(store.purgeExpired());
    assertThat(purged).containsExactly(new SessionStore.Expired(shortLived.id(), "s"));
    assertThat(await(store.findById(longLived.id()))).isPresent();
    assertThat(await(store.purgeExpired())).isEmpty();
  }

  @Test
  void pingAnswers() {
    assertThat(await(store.ping())).isNull();
  }
}
