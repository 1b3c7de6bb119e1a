package dev.sessiond.client;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * The verified sessions, by token key, and each user's as a list (every event that ends or
 * changes sessions names their user). A hit reads without a lock; everything that adds or
 * removes entries holds this object's lock, so that a miss's answer is added only if no event
 * that could end or change its session was applied while it was in flight ({@link #mark}). The
 * sessions of one user share its user ID and, when equal, its profile object.
 */
final class SessionCache {

  /** Why entries left the cache (the metrics' {@code cause} tag). */
  enum Cause {
    REVOKED, EXPIRED, UPDATED, CLEARED, FEED_LOST, MAX_AGE, CAPACITY;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static final int MARKS = 4096;
  private static final byte ALL = 0;
  private static final byte SESSION = 1;
  private static final byte USER = 2;

  private final ConcurrentHashMap<TokenKey, VerifiedSession> byToken = new ConcurrentHashMap<>();
  /** Each user's cached sessions, linked by {@link VerifiedSession#nextOfUser}; under the lock. */
  private final UserHeads byUser = new UserHeads();
  /** Entries used since the last use report. */
  private final ConcurrentLinkedQueue<VerifiedSession> usedSince = new ConcurrentLinkedQueue<>();
  private final int maxEntries;
  private final LongAdder[] evictions = new LongAdder[Cause.values().length];

  // The marks: what each applied event could have ended or changed, by sequence number (under the lock).
  private final byte[] markKind = new byte[MARKS];
  private final String[] markId = new String[MARKS];
  private long seq;

  SessionCache(int maxEntries) {
    this.maxEntries = maxEntries;
    for (int i = 0; i < evictions.length; i++) {
      evictions[i] = new LongAdder();
    }
  }

  VerifiedSession get(TokenKey key) {
    return byToken.get(key);
  }

  /** Marks an entry as used (for the next use report); allocation-free once marked. */
  void used(VerifiedSession e) {
    if (!e.used) {
      e.used = true;
      usedSince.add(e);
    }
  }

  /** The entries used since the last call, each once. */
  List<VerifiedSession> takeUsed() {
    List<VerifiedSession> out = new ArrayList<>();
    VerifiedSession e;
    while ((e = usedSince.poll()) != null) {
      if (e.used) {
        e.used = false;
        out.add(e);
      }
    }
    return out;
  }

  /** The sequence number of the last applied event: a miss takes it before asking. */
  synchronized long sequence() {
    return seq;
  }

  /**
   * Adds a miss's answer, unless an event applied since {@code since} could concern it (its
   * session, its user, or everyone), or the cache was dropped since: then the answer was true
   * when read but may not be now, and the next verify asks again.
   */
  synchronized boolean putIfUnchangedSince(long since, TokenKey key, VerifiedSession s, long nowNanos) {
    if (concernedSince(since, s)) {
      return false;
    }
    if (byToken.size() >= maxEntries) {
      Iterator<VerifiedSession> it = byToken.values().iterator();
      if (it.hasNext()) {
        remove(it.next(), Cause.CAPACITY);
      }
    }
    VerifiedSession head = byUser.get(s.userId());
    String userId = head != null ? head.userId() : s.userId();
    Profile profile = head != null && head.profile().equals(s.profile()) ? head.profile() : s.profile();
    VerifiedSession e = s.cachedAs(key, userId, profile, nowNanos);
    VerifiedSession old = byToken.put(key, e);
    if (old != null) {
      unlink(old);
    }
    e.nextOfUser = byUser.get(userId);
    byUser.put(e);
    return true;
  }

  private boolean concernedSince(long since, VerifiedSession s) {
    if (seq - since >= MARKS) {
      return true;   // older than the marks kept: cannot tell, so assume it does
    }
    for (long q = seq; q > since; q--) {
      int i = (int) (q % MARKS);
      byte kind = markKind[i];
      if (kind == ALL || (kind == SESSION && s.hasId(markId[i])) || (kind == USER && markId[i].equals(s.userId()))) {
        return true;
      }
    }
    return false;
  }

  private void mark(byte kind, String id) {
    seq++;
    int i = (int) (seq % MARKS);
    markKind[i] = kind;
    markId[i] = id;
  }

  /** One session of {@code userId} ended or changed. */
  synchronized void evictSession(String sessionId, String userId, Cause cause) {
    mark(SESSION, sessionId);
    if (userId == null) {
      byToken.values().stream().filter(e -> e.hasId(sessionId)).findFirst().ifPresent(e -> remove(e, cause));
      return;
    }
    for (VerifiedSession e = byUser.get(userId); e != null; e = e.nextOfUser) {
      if (e.hasId(sessionId)) {
        remove(e, cause);
        return;
      }
    }
  }

  /** Every session of one user ended or changed. */
  synchronized void evictUser(String userId, Cause cause) {
    mark(USER, userId);
    VerifiedSession e = byUser.remove(userId);
    for (; e != null; e = e.nextOfUser) {
      if (byToken.remove(e.key, e)) {
        evictions[cause.ordinal()].increment();
      }
    }
  }

  /** Everyone's sessions ended, or the cache can no longer be trusted. */
  synchronized void clear(Cause cause) {
    mark(ALL, null);
    int n = byToken.size();
    byToken.clear();
    byUser.clear();
    usedSince.clear();
    evictions[cause.ordinal()].add(n);
  }

  /** Drops one entry found stale by a reader (expired, or older than the maximum age). */
  synchronized void expire(VerifiedSession e, Cause cause) {
    if (byToken.get(e.key) == e) {
      remove(e, cause);
    }
  }

  private void remove(VerifiedSession e, Cause cause) {
    if (byToken.remove(e.key, e)) {
      evictions[cause.ordinal()].increment();
    }
    unlink(e);
  }

  /** Takes {@code e} out of its user's list. */
  private void unlink(VerifiedSession e) {
    VerifiedSession head = byUser.get(e.userId());
    if (head == e) {
      if (e.nextOfUser == null) {
        byUser.remove(e.userId());
      } else {
        byUser.put(e.nextOfUser);
      }
      return;
    }
    for (VerifiedSession p = head; p != null; p = p.nextOfUser) {
      if (p.nextOfUser == e) {
        p.nextOfUser = e.nextOfUser;
        return;
      }
    }
  }

  int size() {
    return byToken.size();
  }

  long evictions(Cause cause) {
    return evictions[cause.ordinal()].sum();
  }
}
