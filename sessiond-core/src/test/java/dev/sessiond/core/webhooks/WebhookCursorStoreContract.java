package dev.sessiond.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every WebhookCursorStore promises. */
public abstract class WebhookCursorStoreContract {

  /**
   * Long enough that the steps meant to land inside a lease do so on a busy machine, where Redis
   * runs out leases on its own clock: a renewal at 0.6 of it has 1.2 s to spare.
   */
  protected static final Duration TTL = Duration.ofSeconds(3);
  private static final String URL = "http://127.0.0.1:9/hook?x=1";
  protected WebhookCursorStore store;

  /** A fresh, empty store. */
  protected abstract WebhookCursorStore newStore() throws Exception;

  /** Lets {@code d} pass for the store's idea of time (a test clock, or real time for Redis). */
  protected abstract void elapse(Duration d) throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore();
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  @Test
  void aNewUrlIsLeasedWithNoPosition() {
    Optional<WebhookCursor> c = await(store.lease(URL, "node-a", TTL));
    assertThat(c).contains(new WebhookCursor(URL, null));
  }

  @Test
  void theHolderAdvancesAndThePositionIsWhatTheNextLeaseStartsFrom() {
    await(store.lease(URL, "node-a", TTL));
    assertThat(await(store.advance(URL, "node-a", "17"))).isTrue();
    assertThat(await(store.advance(URL, "node-a", "18-0"))).isTrue();
    assertThat(await(store.lease(URL, "node-a", TTL))).contains(new WebhookCursor(URL, "18-0"));
  }

  @Test
  void aHeldLeaseIsRefusedToAnotherNodeAndItCannotAdvance() {
    await(store.lease(URL, "node-a", TTL));
    await(store.advance(URL, "node-a", "5"));
    assertThat(await(store.lease(URL, "node-b", TTL))).isEmpty();
    assertThat(await(store.advance(URL, "node-b", "9"))).isFalse();
    assertThat(await(store.lease(URL, "node-a", TTL))).contains(new WebhookCursor(URL, "5"));
  }

  @Test
  void aLeaseThatRunsOutIsTakenOverFromTheDurablePositionAndTheOldHolderIsFencedOff() throws Exception {
    await(store.lease(URL, "node-a", TTL));
    await(store.advance(URL, "node-a", "41"));
    elapse(TTL.plusMillis(500));
    assertThat(await(store.lease(URL, "node-b", TTL))).contains(new WebhookCursor(URL, "41"));
    assertThat(await(store.advance(URL, "node-a", "42"))).isFalse();
    assertThat(await(store.lease(URL, "node-a", TTL))).isEmpty();
    assertThat(await(store.advance(URL, "node-b", "42"))).isTrue();
  }

  @Test
  void renewingKeepsTheLease() throws Exception {
    // Renewed at 0.6 of the lease and checked 0.6 later: held past the first lease's end.
    await(store.lease(URL, "node-a", TTL));
    elapse(TTL.multipliedBy(3).dividedBy(5));
    assertThat(await(store.lease(URL, "node-a", TTL))).isPresent();
    elapse(TTL.multipliedBy(3).dividedBy(5));
    assertThat(await(store.lease(URL, "node-b", TTL))).isEmpty();
  }

  @Test
  void aReleasedLeaseIsFreeAtOnceAndKeepsItsPosition() {
    await(store.lease(URL, "node-a", TTL));
    await(store.advance(URL, "node-a", "7"));
    await(store.release(URL, "node-b"));
    assertThat(await(store.lease(URL, "node-b", TTL))).isEmpty();
    await(store.release(URL, "node-a"));
    assertThat(await(store.advance(URL, "node-a", "8"))).isFalse();
    assertThat(await(store.lease(URL, "node-b", TTL))).contains(new WebhookCursor(URL, "7"));
  }

  @Test
  void eachUrlHasItsOwnLeaseAndPosition() {
    String other = "https://example.test/other";
    await(store.lease(URL, "node-a", TTL));
    await(store.advance(URL, "node-a", "3"));
    assertThat(await(store.lease(other, "node-b", TTL))).contains(new WebhookCursor(other, null));
    await(store.advance(other, "node-b", "99"));
    assertThat(await(store.lease(URL, "node-a", TTL))).contains(new WebhookCursor(URL, "3"));
    assertThat(await(store.lease(other, "node-b", TTL))).contains(new WebhookCursor(other, "99"));
  }
}
