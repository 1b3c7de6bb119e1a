package dev.sessiond.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bulk load answers every read exactly as one put per session would. */
class SessionIndexTest {

  private final Instant now = Instant.parse("2026-11-24T12:00:00Z");

  private Session session(String userId) {
    return new Session(Tokens.newId(), new String(userId.toCharArray()), Tokens.hash(Tokens.newToken()),
        Profile.member(userId), now, now, now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)), "127.0.0.1", "ua");
  }

  @Test
  void aBulkLoadedIndexAnswersLikeOneBuiltByPuts() {
    List<Session> all = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      all.add(session("user-" + (i % 200)));   // users with one to three sessions, each with its own ID string
    }
    SessionIndex byPuts = new SessionIndex();
    SessionIndex loaded = new SessionIndex(all.size());
    SessionIndex.Loader loader = loaded.loader();
    for (Session s : all) {
      byPuts.put(s);
      loader.add(s);
    }
    assertThat(loader.finish()).isEqualTo(500);

    for (Session s : all) {
      assertThat(loaded.byToken(s.tokenHash(), now)).isEqualTo(s);
      assertThat(loaded.byId(s.id(), now)).isEqualTo(s);
    }
    assertThat(loaded.page(null, null, 1000, now)).isEqualTo(byPuts.page(null, null, 1000, now));
    assertThat(loaded.page(null, all.get(7).id(), 50, now)).isEqualTo(byPuts.page(null, all.get(7).id(), 50, now));
    assertThat(loaded.page("user-3", null, 10, now)).hasSize(3).isEqualTo(byPuts.page("user-3", null, 10, now));
    assertThat(loaded.page("user-3", all.get(3).id(), 10, now)).isEqualTo(byPuts.page("user-3", all.get(3).id(), 10, now));
    assertThat(loaded.users(null, 1000, now)).isEqualTo(byPuts.users(null, 1000, now)).hasSize(200);
    assertThat(loaded.counts()).isEqualTo(byPuts.counts());

    // Writes after a load keep the indexes in step.
    Session more = session("user-3");
    loaded.put(more);
    assertThat(loaded.page("user-3", null, 10, now)).hasSize(4).contains(more);
    Session replaced = new Session(more.id(), more.userId(), more.tokenHash(), Profile.member("renamed"), now, now,
        now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)), "127.0.0.1", "ua");
    loaded.put(replaced);
    assertThat(loaded.page("user-3", null, 10, now)).hasSize(4).contains(replaced).doesNotContain(more);
    assertThat(loaded.removeUser("user-3")).isEqualTo(4);
    assertThat(loaded.byToken(more.tokenHash(), now)).isNull();
    assertThat(loaded.remove(all.get(0).id())).isEqualTo(all.get(0));
    assertThat(loaded.page("user-0", null, 10, now)).hasSize(2);
  }

  @Test
  void aLargeLoadIsInIdOrder() {
    List<Session> all = new ArrayList<>();
    for (int i = 0; i < 70_000; i++) {
      // Mostly Tokens.newId IDs (the radix path), some that are not lowercase hex (the comparison sort alone).
      String id = i % 10 == 0 ? String.format("%08x", i) : i % 10 == 1 ? "ID-" + i : Tokens.newId();
      all.add(new Session(id, "user-" + (i / 3), Tokens.hash(Tokens.newToken()),
          Profile.member("u"), now, now, now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)), "127.0.0.1", "ua"));
    }
    SessionIndex loaded = new SessionIndex(all.size());
    SessionIndex.Loader loader = loaded.loader();
    all.forEach(loader::add);
    assertThat(loader.finish()).isEqualTo(70_000);
    List<String> ids = loaded.page(null, null, 100_000, now).stream().map(Session::id).toList();
    assertThat(ids).hasSize(70_000).isSorted();
    assertThat(loaded.page("user-5", null, 10, now)).hasSize(3);
  }

  @Test
  void aTouchKeepsTheLatestUseAndIsSeenByEveryRead() {
    SessionIndex index = new SessionIndex();
    Session s = session("u");
    index.put(s);
    Session later = s.touchedAt(now.plusSeconds(60), Duration.ofHours(1));
    assertThat(index.touch(later)).isEqualTo(later);
    assertThat(index.touch(s)).isEqualTo(later);   // an older touch does not go back in time
    assertThat(index.byId(s.id(), now)).isEqualTo(later);
    assertThat(index.byToken(s.tokenHash(), now)).isEqualTo(later);
    index.remove(s.id());
    assertThat(index.touch(later)).isNull();
  }

  @Test
  void aDetachedUserIsGoneFromEveryReadBeforeItsEntriesAreReclaimed() {
    SessionIndex index = new SessionIndex();
    List<Session> heavy = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      heavy.add(session("heavy"));
      index.put(heavy.get(i));
    }
    Session other = session("other");
    index.put(other);
    Session expiring = session("other");
    index.put(expiring);

    assertThat(index.detachUser("heavy")).isEqualTo(5);
    for (Session s : heavy) {
      assertThat(index.byId(s.id(), now)).isNull();
      assertThat(index.byToken(s.tokenHash(), now)).isNull();
      assertThat(index.touch(s.touchedAt(now.plusSeconds(1), Duration.ofHours(1)))).isNull();
      assertThat(index.remove(s.id())).isNull();
    }
    assertThat(index.page(null, null, 100, now)).containsExactlyInAnyOrder(other, expiring);
    assertThat(index.page("heavy", null, 100, now)).isEmpty();
    assertThat(index.users(null, 100, now)).containsExactly("other");
    assertThat(index.counts()).isEqualTo(new SessionStore.Counts(2, 1));
    assertThat(index.removeExpired(now.plus(Duration.ofHours(3)))).containsExactlyInAnyOrder(other, expiring);
    assertThat(index.detachUser("heavy")).isZero();

    // The user signs in again before the reclaim: the new sessions are seen, the old stay gone.
    Session again = session("heavy");
    index.put(again);
    assertThat(index.page("heavy", null, 100, now)).containsExactly(again);
    index.reclaim();
    assertThat(index.page(null, null, 100, now)).containsExactly(again);
    assertThat(index.byId(again.id(), now)).isEqualTo(again);
    assertThat(index.counts()).isEqualTo(new SessionStore.Counts(1, 1));
    assertThat(index.removeUser("heavy")).isEqualTo(1);
    assertThat(index.counts()).isEqualTo(new SessionStore.Counts(0, 0));
  }
}
