package dev.sessiond.server.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.SessionEvent.ConnectionsChanged;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What another node said stops counting once this node applied a newer change. */
class RemoteConnectionsTest {

  static final Instant T = Instant.parse("2026-12-05T12:00:00Z");
  final RemoteConnections remote = new RemoteConnections(Duration.ofMinutes(1));

  static ConnectionsChanged connected(String session, String node) {
    return new ConnectionsChanged(session, "u", node, 1, true, T, null);
  }

  static ConnectionsChanged dropped(String session, String node) {
    return new ConnectionsChanged(session, "u", node, 0, false, T, T.plusSeconds(1));
  }

  @Test
  void afterADisconnectANodesConnectedCountsAgainOnlyOnceThatNodeSaidItDropped() {
    assertThat(remote.heard(connected("s", "b"))).isTrue();

    assertThat(remote.disconnected("s")).isTrue();
    assertThat(remote.of("s")).isEmpty();
    assertThat(remote.heard(connected("s", "b"))).as("published before b heard of the disconnect").isFalse();
    assertThat(remote.of("s")).isEmpty();

    assertThat(remote.heard(dropped("s", "b"))).isTrue();
    assertThat(remote.heard(connected("s", "b"))).as("the client reconnected").isTrue();
    assertThat(remote.of("s")).containsExactly(connected("s", "b"));
  }

  @Test
  void aPresenceReadLeavesADisconnectedSessionAloneUntilItsNodeSpoke() {
    remote.heard(connected("s", "b"));
    RemoteConnections.Sync before = remote.beginSync();
    remote.disconnected("s");
    assertThat(remote.endSync(before, List.of(connected("s", "b")), "a", T)).isEmpty();
    RemoteConnections.Sync after = remote.beginSync();
    assertThat(remote.endSync(after, List.of(connected("s", "b")), "a", T)).as("b has not dropped it yet").isEmpty();
    assertThat(remote.of("s")).isEmpty();
  }

  @Test
  void anEndedSessionCountsNowhereWhateverArrivesLater() {
    remote.heard(connected("s", "b"));
    RemoteConnections.Sync inFlight = remote.beginSync();
    remote.ended("s");

    assertThat(remote.endSync(inFlight, List.of(connected("s", "b")), "a", T)).isEmpty();
    assertThat(remote.heard(connected("s", "b"))).isFalse();
    assertThat(remote.endSync(remote.beginSync(), List.of(connected("s", "b")), "a", T)).isEmpty();
    assertThat(remote.sessionIds()).isEmpty();
  }

  @Test
  void aPresenceReadInFlightDuringAClearAppliesNothing() {
    remote.heard(connected("s", "b"));
    RemoteConnections.Sync inFlight = remote.beginSync();
    remote.endedAll();

    assertThat(remote.endSync(inFlight, List.of(connected("s", "b"), connected("t", "b")), "a", T)).isEmpty();
    assertThat(remote.sessionIds()).isEmpty();
  }

  @Test
  void aUsersRevocationEndsEveryOneOfItsSessionsOtherNodesHeld() {
    remote.heard(connected("s", "b"));
    remote.heard(new ConnectionsChanged("t", "other", "b", 1, true, T, null));
    remote.endedUser("u");
    assertThat(remote.sessionIds()).containsExactly("t");
    assertThat(remote.heard(connected("s", "c"))).isFalse();
  }

  @Test
  void aNodeGoneFromThePresenceStoreStopsCountingAndANewStateIsTaken() {
    remote.heard(connected("s", "b"));
    assertThat(remote.endSync(remote.beginSync(), List.of(connected("t", "c"), connected("x", "a")), "a", T))
        .containsOnlyKeys("s", "t");
    assertThat(remote.of("s")).singleElement().satisfies(s -> {
      assertThat(s.connected()).isFalse();
      assertThat(s.notConnectedSince()).isEqualTo(T);
    });
    assertThat(remote.of("x")).as("this node's own entries").isEmpty();
  }
}
