package dev.sessiond.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.SessionEvent.ConnectionsChanged;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every PresenceStore promises. */
public abstract class PresenceStoreContract {

  protected final MutableClock clock = new MutableClock(Instant.now());
  protected PresenceStore store;
  private static final Duration TTL = Duration.ofMinutes(1);

  protected abstract PresenceStore newStore(MutableClock clock) throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore(clock);
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private ConnectionsChanged state(String node, String session, int connections, boolean connected) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    return new ConnectionsChanged(session, "user-of-" + session, node, connections, connected,
        connected ? now : null, connected ? null : now);
  }

  @Test
  void everyNodesConnectedSessionsAreSeenAndTheLatestStateWins() {
    ConnectionsChanged a1 = state("node-a", "s1", 1, true);
    await(store.put(a1, TTL));
    await(store.put(state("node-b", "s1", 2, true), TTL));
    ConnectionsChanged b1 = state("node-b", "s1", 3, true);
    await(store.put(b1, TTL));

    assertThat(await(store.live())).containsExactlyInAnyOrder(a1, b1);
  }

  @Test
  void aStateWithoutConnectionsOrGraceIsRemovedAndSoIsAnEndedSession() {
    await(store.put(state("node-a", "s1", 1, true), TTL));
    ConnectionsChanged inGrace = state("node-a", "s2", 0, true);
    await(store.put(inGrace, TTL));
    await(store.put(state("node-a", "s3", 1, true), TTL));

    await(store.put(state("node-a", "s1", 0, false), TTL));
    await(store.remove("node-a", "s3"));

    assertThat(await(store.live())).containsExactly(inGrace);
  }

  @Test
  void aNodeThatStopsRefreshingStopsCountingAfterItsTtl() {
    ConnectionsChanged dying = state("node-a", "s1", 1, true);
    ConnectionsChanged living = state("node-b", "s2", 1, true);
    await(store.put(dying, TTL));
    await(store.put(living, TTL));

    clock.advance(TTL.minusSeconds(10));
    await(store.refresh("node-b", TTL));
    assertThat(await(store.live())).containsExactlyInAnyOrder(dying, living);

    clock.advance(Duration.ofSeconds(11));
    assertThat(await(store.live())).containsExactly(living);
  }

  @Test
  void nothingIsLiveAtFirst() {
    assertThat(await(store.live())).isEqualTo(List.of());
  }
}
