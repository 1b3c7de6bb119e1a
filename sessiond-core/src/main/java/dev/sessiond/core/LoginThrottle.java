package dev.sessiond.core;

import dev.sessiond.core.throttle.ThrottleRule;
import dev.sessiond.core.throttle.ThrottleStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slows password guessing without handing the guesser a lockout of others. Every password check
 * counts, from the moment it is let in (so parallel guesses cannot outrun it), against three
 * keys, each a {@link ThrottleRule} (a burst, then doubling waits, then a steady rate):
 *
 * <ul>
 *   <li>the username at the client's network ({@link #PER_USERNAME_AND_ADDRESS}): the tight one,
 *       which only the guesser meets;
 *   <li>the network ({@link #PER_ADDRESS}), whatever the username: one address trying many names;
 *   <li>the username from anywhere ({@link #PER_USERNAME}): a bound high enough that only many
 *       addresses at once reach it, past which everyone waits for that username.
 * </ul>
 *
 * A network is an IPv4 address or an IPv6 /64 ({@link IpLiteral#network}). The keys are taken
 * in that order, each only if the one before let the attempt in, so a guesser refused at his own
 * key never touches the username's; a key that refuses gives back what the earlier ones counted.
 * A wrong password stays counted; the right one forgets the username at that network and gives
 * back its count on the other two; any other end (a member who may not log in, an error) gives
 * back all three. The state lives in a {@link ThrottleStore}, shared by the nodes that share it.
 */
public final class LoginThrottle {

  public static final ThrottleRule PER_USERNAME_AND_ADDRESS =
      new ThrottleRule(5, Duration.ofMinutes(3), Duration.ofSeconds(15), Duration.ofMinutes(15));
  public static final ThrottleRule PER_ADDRESS =
      new ThrottleRule(20, Duration.ofSeconds(45), Duration.ofSeconds(15), Duration.ofMinutes(15));
  public static final ThrottleRule PER_USERNAME =
      new ThrottleRule(100, Duration.ofSeconds(18), Duration.ofSeconds(15), Duration.ofMinutes(15));

  private final ThrottleStore store;

  public LoginThrottle(ThrottleStore store) {
    this.store = store;
  }

  /**
   * Lets one password check for {@code username} from {@code ip} in, counted on all three keys,
   * or fails with RateLimited (nothing left counted) saying how long the refusing key wants.
   */
  public CompletionStage<Pass> admit(String username, String ip) {
    String network = IpLiteral.network(ip == null ? "unknown" : ip);
    Key[] keys = {
        new Key("ua " + network + " " + username, PER_USERNAME_AND_ADDRESS),
        new Key("a " + network, PER_ADDRESS),
        new Key("u " + username, PER_USERNAME)};
    return take(keys, 0).thenApply(v -> new Pass(keys));
  }

  private CompletionStage<Void> take(Key[] keys, int i) {
    if (i == keys.length) {
      return CompletableFuture.completedFuture(null);
    }
    return store.attempt(keys[i].name, keys[i].rule).thenCompose(wait -> {
      if (!wait.isZero()) {
        return giveBack(keys, i).thenCompose(v -> CompletableFuture.failedFuture(new SessiondException.RateLimited(
            "too many failed logins, try again later", wholeSeconds(wait))));
      }
      return take(keys, i + 1);
    });
  }

  /** Refunds keys[0..end), ignoring a store that fails: the refusal or the first error is what the caller hears. */
  private CompletionStage<Void> giveBack(Key[] keys, int end) {
    CompletableFuture<?>[] refunds = new CompletableFuture<?>[end];
    for (int i = 0; i < end; i++) {
      refunds[i] = store.refund(keys[i].name, keys[i].rule).toCompletableFuture().exceptionally(e -> null);
    }
    return CompletableFuture.allOf(refunds);
  }

  /** Retry-After is whole seconds: rounded up, so that a client waiting that long is let in. */
  private static Duration wholeSeconds(Duration wait) {
    return Duration.ofSeconds(Math.max(1, (wait.toMillis() + 999) / 1000));
  }

  private record Key(String name, ThrottleRule rule) {}

  /** One admitted password check; tell it how the check ended. */
  public final class Pass {
    private static final int OPEN = 0;
    private static final int WRONG = 1;
    private static final int RIGHT = 2;
    private final Key[] keys;
    private final AtomicInteger outcome = new AtomicInteger(OPEN);

    private Pass(Key[] keys) {
      this.keys = keys;
    }

    /** The password was wrong: it stays counted. */
    public void wrong() {
      outcome.compareAndSet(OPEN, WRONG);
    }

    /**
     * The password was right: the username at this network is forgotten, the other keys get
     * their count back. Completes once the store has it (a store error fails it: 503).
     */
    public CompletionStage<Void> right() {
      if (!outcome.compareAndSet(OPEN, RIGHT)) {
        return CompletableFuture.completedFuture(null);
      }
      return store.forget(keys[0].name)
          .thenCompose(v -> store.refund(keys[1].name, keys[1].rule))
          .thenCompose(v -> store.refund(keys[2].name, keys[2].rule));
    }

    /** The check ended neither wrong nor right: every key gets its count back (in the background). */
    void end() {
      if (outcome.compareAndSet(OPEN, RIGHT)) {
        giveBack(keys, keys.length);
      }
    }
  }
}
