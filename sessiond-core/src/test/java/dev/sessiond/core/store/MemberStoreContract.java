package dev.sessiond.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessiond.core.Member;
import dev.sessiond.core.Profile;
import dev.sessiond.core.SessiondException;
import dev.sessiond.core.Tokens;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every MemberStore promises. */
public abstract class MemberStoreContract {

  protected MemberStore store;

  protected abstract MemberStore newStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private static Member member(String username) {
    return new Member(Tokens.newId(), username, "hash-of-" + username, Profile.member(username),
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  @Test
  void aCreatedMemberIsFoundByIdAndByUsername() {
    Member m = member("ann");
    await(store.create(m));
    assertThat(await(store.findById(m.id()))).contains(m);
    assertThat(await(store.findByUsername("ann"))).contains(m);
    assertThat(await(store.findByUsername("nobody"))).isEmpty();
  }

  @Test
  void aTakenUsernameIsAConflict() {
    await(store.create(member("ben")));
    assertThatThrownBy(() -> await(store.create(member("ben"))))
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(SessiondException.Conflict.class);
  }

  @Test
  void racingCreatesOfOneUsernameHaveOneWinnerThatEveryLoserFindsAtOnce() {
    List<Member> racers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      racers.add(member("dora"));
    }
    List<java.util.concurrent.CompletableFuture<Void>> runs = racers.stream()
        .map(m -> store.create(m).toCompletableFuture()).toList();
    int won = 0;
    for (java.util.concurrent.CompletableFuture<Void> run : runs) {
      try {
        run.join();
        won++;
      } catch (CompletionException e) {
        assertThat(e).hasCauseInstanceOf(SessiondException.Conflict.class);
        assertThat(await(store.findByUsername("dora"))).isPresent();
      }
    }
    assertThat(won).isEqualTo(1);
    assertThat(await(store.count())).isEqualTo(1L);
  }

  @Test
  void profilesWithPluginsRoundTrip() {
    Profile p = new Profile("Cat", true, false, true, false, true, false, true, false, true,
        Map.of("nested", Map.of("list", List.of(1, "two", true))));
    Member m = member("cat").withProfile(p);
    await(store.create(m));
    assertThat(await(store.findById(m.id())).orElseThrow().profile()).isEqualTo(p);
  }

  @Test
  void listPagesByOffsetInIdOrder() {
    List<String> ids = new ArrayList<>();
    for (String name : List.of("d1", "d2", "d3")) {
      Member m = member(name);
      await(store.create(m));
      ids.add(m.id());
    }
    ids.sort(null);
    assertThat(await(store.list(0, 10))).extracting(Member::id).isEqualTo(ids);
    assertThat(await(store.list(1, 1))).extracting(Member::id).containsExactly(ids.get(1));
    assertThat(await(store.count())).isEqualTo(3);
  }

  @Test
  void updateReplacesAndCountsZeroForAnUnknownMember() {
    Member m = member("eve");
    await(store.create(m));
    Member changed = m.withPasswordHash("new-hash").withProfile(Profile.admin("Eve"));
    assertThat(await(store.update(changed))).isEqualTo(1);
    assertThat(await(store.findById(m.id()))).contains(changed);
    assertThat(await(store.update(member("ghost")))).isZero();
  }

  @Test
  void deleteCountsOneThenZero() {
    Member m = member("fay");
    await(store.create(m));
    assertThat(await(store.delete(m.id()))).isEqualTo(1);
    assertThat(await(store.findById(m.id()))).isEmpty();
    assertThat(await(store.delete(m.id()))).isZero();
    assertThat(await(store.count())).isZero();
  }
}
