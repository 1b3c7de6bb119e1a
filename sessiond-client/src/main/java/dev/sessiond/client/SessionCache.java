package dev.sessiond.client;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * The verified sessions, by token key and by session ID. A hit reads without a lock; everything
 * that adds or removes entries holds this object's lock, so that a miss's answer is added only if
 * no event that could end or change its session was applied while it was in flight ({@link #mark}).
 */
final class SessionCache {

  /** Why entries left the cache (the metrics' {@code cause} tag). */
  enum Cause {
    REVOKED, EXPIRED, UPDATED, CLEARED, FEED_LOST, MAX_AGE, CAPACITY;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One cached session. {@code session} is replaced when a use report brings a new deadline. */
  static final class Entry {
    final TokenKey key;
    final long cachedAtNanos;
    volatile VerifiedSession session;
    volatile boolean used;

    Entry(TokenKey key, VerifiedSession session, long cachedAtNanos) {
      this.key = key;
      this.session = session;
      this.cachedAtNanos = cachedAtNanos;
    }
  }

  private static final int MARKS = 4096;
  private static final byte ALL = 0;
  private static final byte SESSION = 1;
  private static final byte USER = 2;

  private final ConcurrentHashMap<TokenKey, Entry> byToken = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Entry> bySession = new ConcurrentHashMap<>();
  /** Entries used since the last use report. */
  private final ConcurrentLinkedQueue<Entry> usedSince = new ConcurrentLinkedQueue<>();
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

  Entry get(TokenKey key) {
    return byToken.get(key);
  }

  /** Marks an entry as used (for the next use report); allocation-free once marked. */
  void used(Entry e) {
    if (!e.used) {
      e.used = true;
      usedSince.add(e);
    }
  }

  /** The entries used since the last call, each once. */
  java.util.List<Entry> takeUsed() {
    java.util.List<Entry> out = new java.util.ArrayList<>();
    Entry e;
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
      Iterator<Entry> it = byToken.values().iterator();
      if (it.hasNext()) {
        remove(it.next(), Cause.CAPACITY);
      }
    }
    Entry e = new Entry(key, s, nowNanos);
    Entry old = byToken.put(key, e);
    if (old != null && !old.session.id().equals(s.id())) {
      bySession.remove(old.session.id(), old);
    }
    bySession.put(s.id(), e);
    return true;
  }

  private boolean concernedSince(long since, VerifiedSession s) {
    if (seq - since >= MARKS) {
      return true;   // older than the marks kept: cannot tell, so assume it does
    }
    for (long q = seq; q > since; q--) {
      int i = (int) (q % MARKS);
      byte kind = markKind[i];
      if (kind == ALL || (kind == SESSION && markId[i].equals(s.id())) || (kind == USER && markId[i].equals(s.userId()))) {
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

  /** One session ended or changed. */
  synchronized void evictSession(String sessionId, Cause cause) {
    mark(SESSION, sessionId);
    Entry e = bySession.get(sessionId);
    if (e != null) {
      remove(e, cause);
    }
  }

  /** Every session of one user ended or changed: a walk over the entries. */
  synchronized void evictUser(String userId, Cause cause) {
    mark(USER, userId);
    for (Entry e : bySession.values()) {
      if (e.session.userId().equals(userId)) {
        remove(e, cause);
      }
    }
  }

  /** Everyone's sessions ended, or the cache can no longer be trusted. */
  synchronized void clear(Cause cause) {
    mark(ALL, null);
    int n = byToken.size();
    byToken.clear();
    bySession.clear();
    usedSince.clear();
    evictions[cause.ordinal()].add(n);
  }

  /** Drops one entry found stale by a reader (expired, or older than the maximum age). */
  synchronized void expire(Entry e, Cause cause) {
    if (byToken.get(e.key) == e) {
      remove(e, cause);
    }
  }

  /** A use report's answer: the session's new deadline. */
  void slid(String sessionId, long expiresAtMillis) {
    Entry e = bySession.get(sessionId);
    if (e != null) {
      VerifiedSession s = e.session;
      if (s.expiresAtMillis() != expiresAtMillis) {
        e.session = new VerifiedSession(s.id(), s.userId(), s.profile(), expiresAtMillis);
      }
    }
  }

  private void remove(Entry e, Cause cause) {
    if (byToken.remove(e.key, e)) {
      evictions[cause.ordinal()].increment();
    }
    bySession.remove(e.session.id(), e);
  }

  int size() {
    return byToken.size();
  }

  long evictions(Cause cause) {
    return evictions[cause.ordinal()].sum();
  }
}
