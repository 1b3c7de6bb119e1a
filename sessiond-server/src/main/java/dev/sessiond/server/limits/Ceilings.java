package dev.sessiond.server.limits;

import dev.sessiond.core.SessiondException;
import java.time.Duration;

/**
 * The ceilings on one kind of long-lived connection: one in all, then one per owner at each
 * level (per user, then per session; or per caller). Taking a place counts it at every level
 * or, refused at one, at none: what was counted before the refusal is given back at once, so
 * that the counts stay exact however many take and give at the same time.
 */
final class Ceilings {

  /** Places free up when someone leaves, which cannot be foreseen: a client waits this long before asking again. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  private final Cap total;
  private final String fullInAll;
  private final Cap[] perOwner;
  private final String[] fullForOwner;

  /**
   * {@code fullInAll} and {@code fullForOwner} are the refusals' messages, with {@code %d} for the
   * ceiling; {@code perOwner} and {@code fullForOwner} name the levels in the order of
   * {@link #take}'s owners.
   */
  Ceilings(int inAll, String fullInAll, int[] perOwner, String... fullForOwner) {
    if (perOwner.length != fullForOwner.length) {
      throw new IllegalArgumentException("one message per level");
    }
    this.total = Cap.inAll(inAll);
    this.fullInAll = String.format(fullInAll, inAll);
    this.perOwner = new Cap[perOwner.length];
    this.fullForOwner = new String[perOwner.length];
    for (int i = 0; i < perOwner.length; i++) {
      this.perOwner[i] = Cap.perKey(perOwner[i]);
      this.fullForOwner[i] = String.format(fullForOwner[i], perOwner[i]);
    }
  }

  /** A place for one connection of {@code owners} (one per level), or a 429 that says which ceiling was reached. */
  Permit take(String... owners) {
    if (!total.tryTake(null)) {
      throw refusal(fullInAll);
    }
    for (int i = 0; i < perOwner.length; i++) {
      if (!perOwner[i].tryTake(owners[i])) {
        for (int j = i - 1; j >= 0; j--) {
          perOwner[j].give(owners[j]);
        }
        total.give(null);
        throw refusal(fullForOwner[i]);
      }
    }
    return new Permit(this, owners);
  }

  /** Called once per permit, by {@link Permit#release}. */
  void give(String[] owners) {
    for (int i = perOwner.length - 1; i >= 0; i--) {
      perOwner[i].give(owners[i]);
    }
    total.give(null);
  }

  /** The places held now: in all, and at level {@code level} for {@code owner}. */
  int inAll() {
    return total.count(null);
  }

  int of(int level, String owner) {
    return perOwner[level].count(owner);
  }

  private static SessiondException.RateLimited refusal(String message) {
    return new SessiondException.RateLimited(message, RETRY_AFTER);
  }
}
