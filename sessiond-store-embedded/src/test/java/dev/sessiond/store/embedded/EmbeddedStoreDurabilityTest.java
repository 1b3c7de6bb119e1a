package dev.sessiond.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessiond.core.Member;
import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.Tokens;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Reasons;
import dev.sessiond.core.store.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What survives a reopen, and the one-process-per-directory rule. */
class EmbeddedStoreDurabilityTest {

  @TempDir
  Path dir;
  final MutableClock clock = new MutableClock(Instant.now());

  private Session session(String userId, Duration life) {
    Instant now = clock.instant();
    return new Session(Tokens.newId(), userId, Tokens.hash(Tokens.newToken()), Profile.member(userId), now, now,
        now.plus(life), now.plus(Duration.ofDays(1)), "10.0.0.1", "ua");
  }

  @Test
  void sessionsAndMembersSurviveAReopenAndDeletedOnesStayDeleted() {
    Session kept = session("a", Duration.ofHours(1));
    Session deleted = session("b", Duration.ofHours(1));
    Session userDeleted = session("c", Duration.ofHours(1));
    Member member = new Member(Tokens.newId(), "m", "h", Profile.admin("m"), Instant.ofEpochMilli(clock.millis()));
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      for (Session s : List.of(kept, deleted, userDeleted)) {
        store.sessions().create(s, Actor.API_TOKEN).toCompletableFuture().join();
      }
      store.members().create(member).toCompletableFuture().join();
      store.sessions().delete(deleted.id(), Actor.API_TOKEN, Reasons.DELETED).toCompletableFuture().join();
      store.sessions().deleteByUser("c", Actor.API_TOKEN, Reasons.USER).toCompletableFuture().join();
    }
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      assertThat(store.sessions().findByTokenHash(kept.tokenHash()).toCompletableFuture().join()).contains(kept);
      assertThat(store.sessions().findById(deleted.id()).toCompletableFuture().join()).isEmpty();
      assertThat(store.sessions().findById(userDeleted.id()).toCompletableFuture().join()).isEmpty();
      assertThat(store.members().findByUsername("m").toCompletableFuture().join()).contains(member);
    }
  }

  @Test
  void everyFieldOfEverySessionComesBackExactlyFromTheStartUpScan() {
    // The scan reads each row packed into one value (SessionRows): texts of any bytes, lengths
    // and neighbours, and times of any size, must come back as they went in.
    Instant now = clock.instant();
    Profile custom = new Profile("Zoë \"ünïcode\" 名前", true, false, true, false, true, false, true, false, true,
        java.util.Map.of("k", "v w"));
    List<Session> all = new ArrayList<>();
    for (String user : List.of("a", "a b", "ä 1", "a b", "x".repeat(300), "")) {
      for (String ua : List.of("", "Mozilla/5.0 (X11; Linux) 名", "curl/8")) {
        all.add(new Session(Tokens.newId(), user.isEmpty() ? "u" : user, Tokens.hash(Tokens.newToken()),
            ua.isEmpty() ? custom : Profile.member(user.substring(0, Math.min(user.length(), 9))), now, now.plusMillis(7), now.plus(Duration.ofHours(1)),
            Instant.ofEpochMilli(Long.MAX_VALUE / 2), ua.isEmpty() ? "::1" : "10.0.0." + all.size(), ua));
      }
    }
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      for (Session s : all) {
        store.sessions().create(s, Actor.API_TOKEN).toCompletableFuture().join();
      }
    }
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      for (Session s : all) {
        assertThat(store.sessions().findByTokenHash(s.tokenHash()).toCompletableFuture().join()).contains(s);
      }
      assertThat(store.sessions().counts().toCompletableFuture().join().sessions()).isEqualTo(all.size());
    }
  }

  @Test
  void useRecordedBeforeACleanCloseSurvives() {
    Session s = session("d", Duration.ofMinutes(10));
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      store.sessions().create(s, Actor.API_TOKEN).toCompletableFuture().join();
      clock.advance(Duration.ofMinutes(9));
      store.sessions().touch(s.touchedAt(clock.instant(), Duration.ofMinutes(10)));
    }
    clock.advance(Duration.ofMinutes(5));
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      assertThat(store.sessions().findById(s.id()).toCompletableFuture().join()).isPresent();
    }
  }

  @Test
  void aUseWaitsOnDiskForTheLagButACleanCloseWritesItWhateverItsAge() throws Exception {
    Session s = session("lag", Duration.ofMinutes(10));
    try (EmbeddedStore store = EmbeddedStore.unloaded(dir, clock, Duration.ofHours(1))) {
      store.load().join();
      store.sessions().create(s, Actor.API_TOKEN).toCompletableFuture().join();
      clock.advance(Duration.ofMinutes(3));
      store.sessions().touch(s.touchedAt(clock.instant(), Duration.ofMinutes(10)));
      Thread.sleep(2_500);   // two periodic flushes: neither may write a use younger than the lag
      assertThat(lastSeenOnDisk(s.id())).isEqualTo(s.lastSeenAt().toEpochMilli());
    }
    assertThat(lastSeenOnDisk(s.id())).isEqualTo(clock.millis());
  }

  @Test
  void usesPastTheLagAreWrittenInBatchesUntilNoneIsLeft() throws Exception {
    int n = EmbeddedSessionStore.TOUCH_BATCH * 2 + 17;
    List<Session> all = new ArrayList<>();
    try (EmbeddedStore store = EmbeddedStore.unloaded(dir, clock, Duration.ofMillis(50))) {
      store.load().join();
      for (int i = 0; i < n; i++) {
        all.add(session("u" + i, Duration.ofMinutes(10)));
      }
      CompletableFuture.allOf(all.stream().map(x -> store.sessions().create(x, Actor.API_TOKEN).toCompletableFuture())
          .toArray(CompletableFuture[]::new)).join();
      clock.advance(Duration.ofMinutes(1));
      for (Session x : all) {
        store.sessions().touch(x.touchedAt(clock.instant(), Duration.ofMinutes(10)));
      }
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (rowsSeenAt(clock.millis()) < n && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(rowsSeenAt(clock.millis())).isEqualTo(n);
    }
  }

  private long lastSeenOnDisk(String id) throws Exception {
    return onDisk("SELECT last_seen_at FROM sessions WHERE id = ?", id);
  }

  private long rowsSeenAt(long millis) throws Exception {
    return onDisk("SELECT COUNT(*) FROM sessions WHERE last_seen_at = ?", millis);
  }

  /** One number read from the database file on a connection of its own (WAL: what is committed, while the store runs); -1 for no row. */
  private long onDisk(String query, Object arg) throws Exception {
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("sessiond.db"));
        var st = c.prepareStatement(query)) {
      st.setObject(1, arg);
      try (var rs = st.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }

  @Test
  void expiredRowsAreNotLoaded() {
    Session s = session("e", Duration.ofMinutes(1));
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      store.sessions().create(s, Actor.API_TOKEN).toCompletableFuture().join();
    }
    clock.advance(Duration.ofMinutes(2));
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      assertThat(store.sessions().counts().toCompletableFuture().join().sessions()).isZero();
    }
  }

  @Test
  void aSecondOpenOfTheSameDirectoryIsRefusedWithAClearMessage() {
    try (EmbeddedStore first = EmbeddedStore.open(dir, clock)) {
      assertThat(first.sessions()).isNotNull();
      assertThatThrownBy(() -> EmbeddedStore.open(dir, clock))
          .isInstanceOf(DataDirLockedException.class)
          .hasMessageContaining("in use by another sessiond")
          .hasMessageContaining("sessiond.lock");
    }
    EmbeddedStore.open(dir, clock).close();
  }

  @Test
  void concurrentCreatesAreGroupCommittedAndAllDurable() {
    List<Session> sessions = new ArrayList<>();
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        Session s = session("group-" + (i % 10), Duration.ofHours(1));
        sessions.add(s);
        writes.add(store.sessions().create(s, Actor.API_TOKEN).toCompletableFuture());
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    }
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      for (Session s : sessions) {
        assertThat(store.sessions().findByTokenHash(s.tokenHash()).toCompletableFuture().join()).isPresent();
      }
    }
  }

  @Test
  void aHundredThousandSessionsLoadAtOpen() {
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (int i = 0; i < 100_000; i++) {
        writes.add(store.sessions().create(session("load-" + (i % 1000), Duration.ofHours(1)), Actor.API_TOKEN).toCompletableFuture());
      }
      CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    }
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      assertThat(store.sessions().counts().toCompletableFuture().join().sessions()).isEqualTo(100_000);
    }
  }
}
