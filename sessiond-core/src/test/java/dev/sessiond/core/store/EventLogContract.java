package dev.sessiond.core.store;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every store's event log promises: each change logged with its actor and reason, in
 * order, read a page at a time after an ID, filtered, trimmed by age, followed without
 * polling. A backend runs it with a subclass that says how to make a store on a given clock.
 */
public abstract class EventLogContract {

  protected final MutableClock clock = new MutableClock(Instant.now());
  protected SessionStore store;
  private static final Actor ADMIN = Actor.session("root", "admin-session");

  protected abstract SessionStore newStore(MutableClock clock) throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore(clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private Session session(String userId, Duration life) {
    Instant now = clock.instant();
    return new Session(store.newId(userId), userId, Tokens.hash(store.newToken(userId)), Profile.member(userId), now, now,
        now.plus(life), now.plus(Duration.ofDays(400)), "127.0.0.1", "test");
  }

  private Session saved(String userId) {
    Session s = session(userId, Duration.ofHours(1));
    await(store.create(s, Actor.member(userId)));
    return s;
  }

  private List<Event> all() {
    List<Event> out = new ArrayList<>();
    String after = null;
    while (true) {
      List<Event> page = await(store.log().read(EventQuery.after(after, EventQuery.MAX_LIMIT)));
      if (page.isEmpty()) {
        return out;
      }
      out.addAll(page);
      after = page.get(page.size() - 1).id();
    }
  }

  @Test
  void aProfileChangeIsLoggedOnceWithItsUserAndCountAndNothingForAUserWithoutSessions() {
    saved("olga");
    saved("olga");
    saved("pat");
    String before = await(store.log().lastId()).orElseThrow();
    assertThat(await(store.updateProfile("olga", Profile.admin("Olga"), ADMIN))).isEqualTo(2);
    assertThat(await(store.updateProfile("nobody", Profile.admin("Nobody"), ADMIN))).isZero();
    List<Event> after = await(store.log().read(EventQuery.after(before, 10)));
    assertThat(after).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo(Event.Type.SESSION_UPDATED);
      assertThat(e.userId()).isEqualTo("olga");
      assertThat(e.sessionId()).isNull();
      assertThat(e.count()).isEqualTo(2);
      assertThat(e.actor()).isEqualTo(ADMIN);
    });
  }

  @Test
  void recordedAuditEntriesKeepTheirTypeSubjectDetailAndActorInOrderWithSessionChanges() {
    Session s = saved("ann");
    await(store.record(Event.of(Event.Type.MEMBER_UPDATED, clock.instant(), null, "m-1", null, "is_admin=true", ADMIN)));
    await(store.record(Event.of(Event.Type.KEY_CREATED, clock.instant(), null, null, null, "key-1", Actor.API_TOKEN)));
    await(store.delete(s.id(), Actor.key("key-1"), Reasons.DELETED));
    List<Event> events = all();
    assertThat(events).extracting(Event::type).containsExactly(Event.Type.SESSION_CREATED, Event.Type.MEMBER_UPDATED,
        Event.Type.KEY_CREATED, Event.Type.SESSION_REVOKED);
    assertThat(events.get(1)).satisfies(e -> {
      assertThat(e.userId()).isEqualTo("m-1");
      assertThat(e.reason()).isEqualTo("is_admin=true");
      assertThat(e.actor()).isEqualTo(ADMIN);
    });
    assertThat(events.get(2)).satisfies(e -> {
      assertThat(e.userId()).isNull();
      assertThat(e.reason()).isEqualTo("key-1");
      assertThat(e.actor()).isEqualTo(Actor.API_TOKEN);
    });
    assertThat(events.get(3).actor()).isEqualTo(Actor.key("key-1"));
    assertThat(events.get(3).actor().keyId()).isEqualTo("key-1");
    assertThat(await(store.log().read(new EventQuery(null, 10, "m-1", null, null)))).hasSize(1);
  }

  @Test
  void everyChangeIsLoggedWithItsActorAndReason() {
    Session a = saved("ann");
    Session b = saved("bob");
    saved("bob");
    Session c = saved("cat");
    Session gone = session("dan", Duration.ofMinutes(1));
    await(store.create(gone, Actor.API_TOKEN));
    await(store.delete(a.id(), Actor.session("ann", a.id()), Reasons.LOGOUT));
    await(store.deleteByUser("bob", ADMIN, Reasons.USER));
    await(store.disconnected(c.id(), "cat", ADMIN));
    clock.advance(Duration.ofMinutes(2));
    await(store.purgeExpired());
    await(store.deleteAll(Actor.API_TOKEN));

    List<Event> events = all();
    assertThat(events).extracting(Event::type).containsExactly(
        Event.Type.SESSION_CREATED, Event.Type.SESSION_CREATED, Event.Type.SESSION_CREATED, Event.Type.SESSION_CREATED,
        Event.Type.SESSION_CREATED, Event.Type.SESSION_REVOKED, Event.Type.SESSION_REVOKED,
        Event.Type.SESSION_DISCONNECTED, Event.Type.SESSION_EXPIRED, Event.Type.SESSION_REVOKED);
    assertThat(events.get(0)).satisfies(e -> {
      assertThat(e.sessionId()).isEqualTo(a.id());
      assertThat(e.userId()).isEqualTo("ann");
      assertThat(e.actor()).isEqualTo(Actor.member("ann"));
      assertThat(e.time()).isEqualTo(a.createdAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
      assertThat(e.count()).isNull();
      assertThat(e.reason()).isNull();
    });
    assertThat(events.get(4).actor()).isEqualTo(Actor.API_TOKEN);
    assertThat(events.get(5)).satisfies(e -> {
      assertThat(e.sessionId()).isEqualTo(a.id());
      assertThat(e.userId()).isEqualTo("ann");
      assertThat(e.reason()).isEqualTo(Reasons.LOGOUT);
      assertThat(e.actor()).isEqualTo(Actor.session("ann", a.id()));
    });
    assertThat(events.get(6)).satisfies(e -> {
      assertThat(e.sessionId()).isNull();
      assertThat(e.userId()).isEqualTo("bob");
      assertThat(e.count()).isEqualTo(2);
      assertThat(e.reason()).isEqualTo(Reasons.USER);
      assertThat(e.actor()).isEqualTo(ADMIN);
    });
    assertThat(events.get(7)).satisfies(e -> {
      assertThat(e.sessionId()).isEqualTo(c.id());
      assertThat(e.userId()).isEqualTo("cat");
      assertThat(e.actor()).isEqualTo(ADMIN);
    });
    assertThat(events.get(8)).satisfies(e -> {
      assertThat(e.sessionId()).isEqualTo(gone.id());
      assertThat(e.userId()).isEqualTo("dan");
      assertThat(e.actor()).isEqualTo(Actor.SYSTEM);
    });
    assertThat(events.get(9)).satisfies(e -> {
      assertThat(e.sessionId()).isNull();
      assertThat(e.userId()).isNull();
      assertThat(e.count()).isEqualTo(1);
      assertThat(e.reason()).isEqualTo(Reasons.CLEAR);
      assertThat(e.actor()).isEqualTo(Actor.API_TOKEN);
    });
    assertThat(b.userId()).isEqualTo("bob");
  }

  @Test
  void aChangeThatChangesNothingLogsNothing() {
    Session s = saved("eve");
    await(store.delete(s.id(), ADMIN, Reasons.DELETED));
    int before = all().size();
    await(store.delete(s.id(), ADMIN, Reasons.DELETED));
    await(store.delete("missing", ADMIN, Reasons.DELETED));
    await(store.deleteByUser("nobody", ADMIN, Reasons.USER));
    assertThat(await(store.purgeExpired())).isEmpty();
    assertThat(all()).hasSize(before);
  }

  @Test
  void clearingEverythingIsOneEventWithTheCount() {
    for (int i = 0; i < 25; i++) {
      saved("many-" + (i % 5));
    }
    String last = await(store.log().lastId()).orElseThrow();
    assertThat(await(store.deleteAll(ADMIN))).isEqualTo(25);
    List<Event> after = await(store.log().read(EventQuery.after(last, 100)));
    assertThat(after).hasSize(1);
    assertThat(after.get(0).count()).isEqualTo(25);
    assertThat(after.get(0).reason()).isEqualTo(Reasons.CLEAR);
  }

  @Test
  void readsPageOldestFirstAfterTheLastIdSeen() {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      created.add(saved("pager").id());
    }
    List<Event> seen = new ArrayList<>();
    String after = null;
    while (true) {
      List<Event> page = await(store.log().read(EventQuery.after(after, 3)));
      if (page.isEmpty()) {
        break;
      }
      assertThat(page.size()).isLessThanOrEqualTo(3);
      seen.addAll(page);
      after = page.get(page.size() - 1).id();
    }
    assertThat(seen).extracting(Event::sessionId).isEqualTo(created);
    assertThat(seen).extracting(Event::id).doesNotHaveDuplicates();
    assertThat(await(store.log().lastId())).contains(seen.get(6).id());
    assertThat(await(store.log().read(EventQuery.after(seen.get(4).id(), 10)))).isEqualTo(seen.subList(5, 7));
  }

  @Test
  void theLogIsEmptyBeforeAnyChange() {
    assertThat(await(store.log().lastId())).isEmpty();
    assertThat(await(store.log().read(EventQuery.after(null, 10)))).isEmpty();
  }

  @Test
  void filtersByUserSessionAndType() {
    Session f1 = saved("fay");
    saved("gus");
    Session f2 = saved("fay");
    await(store.delete(f1.id(), ADMIN, Reasons.DELETED));
    await(store.disconnected(f2.id(), "fay", ADMIN));

    assertThat(await(store.log().read(new EventQuery(null, 100, "fay", null, null))))
        .extracting(Event::type, Event::sessionId)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Event.Type.SESSION_CREATED, f1.id()),
            org.assertj.core.groups.Tuple.tuple(Event.Type.SESSION_CREATED, f2.id()),
            org.assertj.core.groups.Tuple.tuple(Event.Type.SESSION_REVOKED, f1.id()),
            org.assertj.core.groups.Tuple.tuple(Event.Type.SESSION_DISCONNECTED, f2.id()));
    assertThat(await(store.log().read(new EventQuery(null, 100, null, f1.id(), null))))
        .extracting(Event::type).containsExactly(Event.Type.SESSION_CREATED, Event.Type.SESSION_REVOKED);
    assertThat(await(store.log().read(new EventQuery(null, 100, null, null, Event.Type.SESSION_REVOKED))))
        .extracting(Event::sessionId).containsExactly(f1.id());
    List<Event> fayCreated = await(store.log().read(new EventQuery(null, 1, "fay", null, Event.Type.SESSION_CREATED)));
    assertThat(fayCreated).extracting(Event::sessionId).containsExactly(f1.id());
    assertThat(await(store.log().read(new EventQuery(fayCreated.get(0).id(), 10, "fay", null, Event.Type.SESSION_CREATED))))
        .extracting(Event::sessionId).containsExactly(f2.id());
    assertThat(await(store.log().read(new EventQuery(null, 10, "nobody", null, null)))).isEmpty();
  }

  @Test
  void aFilteredPageSkipsManyNonMatchingEntries() {
    for (int i = 0; i < 1500; i++) {
      saved("crowd");
    }
    Session needle = saved("needle");
    assertThat(await(store.log().read(new EventQuery(null, 10, "needle", null, null))))
        .extracting(Event::sessionId).containsExactly(needle.id());
  }

  @Test
  void trimRemovesOnlyEntriesOlderThanTheCutoff() {
    saved("old");
    saved("old");
    clock.advance(Duration.ofDays(31));
    Session recent = saved("new");
    long removed = await(store.log().trim(clock.instant().minus(Duration.ofDays(30))));
    assertThat(removed).isEqualTo(2);
    assertThat(all()).extracting(Event::sessionId).containsExactly(recent.id());
    assertThat(await(store.log().trim(clock.instant().minus(Duration.ofDays(30))))).isZero();
  }

  @Test
  void aMalformedPositionIsInvalid() {
    saved("x");
    assertThatThrownBy(() -> await(store.log().read(EventQuery.after("not an id", 10))))
        .hasRootCauseInstanceOf(SessiondException.Invalid.class);
  }

  @Test
  void awaitAnswersAsSoonAsAnEntryIsAppended() {
    saved("w");
    String last = await(store.log().lastId()).orElseThrow();
    long start = System.nanoTime();
    CompletableFuture<List<Event>> waiting = store.log().await(last, Duration.ofSeconds(10)).toCompletableFuture();
    CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(() -> saved("woken"));
    List<Event> got = waiting.orTimeout(8, TimeUnit.SECONDS).join();
    assertThat(got).extracting(Event::userId).containsExactly("woken");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void awaitAnswersEmptyWhenNothingCameInTime() {
    saved("quiet");
    String last = await(store.log().lastId()).orElseThrow();
    long start = System.nanoTime();
    assertThat(await(store.log().await(last, Duration.ofMillis(300)))).isEmpty();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
  }

  @Test
  void awaitFromTheStartGivesWhatIsThere() {
    Session s = saved("early");
    assertThat(await(store.log().await(null, Duration.ofSeconds(1)))).extracting(Event::sessionId).containsExactly(s.id());
  }

  @Test
  void concurrentChangesEachHaveExactlyTheirEvent() {
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Session s = session("busy-" + (i % 7), Duration.ofHours(1));
      sessions.add(s);
      writes.add(store.create(s, Actor.API_TOKEN).toCompletableFuture());
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    List<CompletableFuture<Integer>> deletes = new ArrayList<>();
    for (int i = 0; i < 200; i += 2) {
      deletes.add(store.delete(sessions.get(i).id(), ADMIN, Reasons.DELETED).toCompletableFuture());
    }
    CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).join();
    List<Event> events = all();
    assertThat(events.stream().filter(e -> e.type() == Event.Type.SESSION_CREATED).map(Event::sessionId))
        .containsExactlyInAnyOrderElementsOf(sessions.stream().map(Session::id).toList());
    List<String> revoked = new ArrayList<>();
    for (int i = 0; i < 200; i += 2) {
      revoked.add(sessions.get(i).id());
    }
    assertThat(events.stream().filter(e -> e.type() == Event.Type.SESSION_REVOKED).map(Event::sessionId))
        .containsExactlyInAnyOrderElementsOf(revoked);
    for (Event e : events.stream().filter(e -> e.type() == Event.Type.SESSION_REVOKED).toList()) {
      int created = events.indexOf(events.stream().filter(c -> c.type() == Event.Type.SESSION_CREATED
          && c.sessionId().equals(e.sessionId())).findFirst().orElseThrow());
      assertThat(events.indexOf(e)).isGreaterThan(created);
    }
  }
}
