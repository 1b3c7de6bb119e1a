package dev.sessiond.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * What every identity store promises: a session linked to a provider session is found by that
 * provider session's {@code sid} and by its subject, on every node, only at the provider that
 * made it; an expired link is not; a logout token's {@code jti} is taken once. A backend runs it
 * with a subclass that says how to make a store (and a second view of the same store where it
 * has one: another node's).
 */
public abstract class IdentityStoreContract {

  protected abstract IdentityStore store();

  /** The same links as seen from another node; the same store where there is no other. */
  protected IdentityStore otherNode() {
    return store();
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private static Instant inAnHour() {
    return Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MILLIS);
  }

  private static ProviderSession link(String provider, String sid, String sub) {
    return new ProviderSession(provider, sid, sub, Tokens.newId(), "eyJ.id.token", inAnHour());
  }

  @Test
  void aLinkedSessionIsFoundByItsProviderSessionAndItsSubjectOnEveryNode() {
    ProviderSession a = link("corp", "sid-1", "alice");
    ProviderSession b = link("corp", "sid-1", "alice");
    ProviderSession c = link("corp", "sid-2", "alice");
    ProviderSession bob = link("corp", "sid-3", "bob");
    for (ProviderSession l : List.of(a, b, c, bob)) {
      await(store().link(l));
    }
    assertThat(await(otherNode().sessionsOfSid("corp", "sid-1"))).containsExactlyInAnyOrder(a.sessionId(), b.sessionId());
    assertThat(await(otherNode().sessionsOfSub("corp", "alice")))
        .containsExactlyInAnyOrder(a.sessionId(), b.sessionId(), c.sessionId());
    assertThat(await(otherNode().find(c.sessionId()))).contains(c);
    assertThat(await(otherNode().sessionsOfSid("corp", "sid-9"))).isEmpty();
    assertThat(await(otherNode().find(Tokens.newId()))).isEmpty();
  }

  @Test
  void providersDoNotShareSubjectsOrSessionIds() {
    ProviderSession corp = link("corp", "same-sid", "same-sub");
    ProviderSession other = link("google", "same-sid", "same-sub");
    await(store().link(corp));
    await(store().link(other));
    assertThat(await(store().sessionsOfSid("corp", "same-sid"))).containsExactly(corp.sessionId());
    assertThat(await(store().sessionsOfSub("google", "same-sub"))).containsExactly(other.sessionId());
  }

  @Test
  void aProviderSessionWithoutSidIsFoundByItsSubjectOnly() {
    ProviderSession l = new ProviderSession("corp", null, "carol {x}:y", Tokens.newId(), null, inAnHour());
    await(store().link(l));
    assertThat(await(otherNode().sessionsOfSub("corp", "carol {x}:y"))).containsExactly(l.sessionId());
    assertThat(await(otherNode().find(l.sessionId()))).contains(l);
  }

  @Test
  void anExpiredLinkIsNotFound() {
    ProviderSession gone = new ProviderSession("corp", "sid-old", "dave", Tokens.newId(), null,
        Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS));
    await(store().link(gone));
    assertThat(await(otherNode().sessionsOfSid("corp", "sid-old"))).isEmpty();
    assertThat(await(otherNode().sessionsOfSub("corp", "dave"))).isEmpty();
    assertThat(await(otherNode().find(gone.sessionId()))).isEmpty();
  }

  @Test
  void aLogoutTokenIdIsTakenOnceAcrossNodes() {
    String jti = Tokens.newId();
    assertThat(await(store().firstUse("corp", jti, inAnHour()))).isTrue();
    assertThat(await(otherNode().firstUse("corp", jti, inAnHour()))).isFalse();
    assertThat(await(store().firstUse("corp", jti, inAnHour()))).isFalse();
    assertThat(await(store().firstUse("google", jti, inAnHour()))).isTrue();
  }

  @Test
  void ofManyNodesRacingWithOneLogoutTokenExactlyOneWins() {
    String jti = Tokens.newId();
    List<CompletableFuture<Boolean>> racers = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      IdentityStore s = i % 2 == 0 ? store() : otherNode();
      racers.add(s.firstUse("corp", jti, inAnHour()).toCompletableFuture());
    }
    assertThat(racers.stream().map(CompletableFuture::join).filter(won -> won).count()).isEqualTo(1);
  }
}
