package dev.sessiond.core.store;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Sessions in memory, indexed by token hash (the verify path: one hash lookup), by ID (keyset
 * pages) and by user. Reads take no lock; writes are serialised on this object, so the three
 * indexes always agree once a write returns. Expired sessions stay until
 * {@link #removeExpired} but are invisible to every read.
 *
 * <p>A million sessions live here, so each is kept compact ({@link Entry}: the token hash as
 * 32 bytes, times as epoch milliseconds, a user's ID string shared by its sessions) and turned
 * back into a {@link Session} when read. Token hashes must be {@code Tokens.hash} values.
 */
public final class SessionIndex {

  // These three are replaced once by a bulk load (Loader.finish), hence volatile rather than final.
  private volatile ConcurrentHashMap<TokenKey, Entry> byToken;
  private volatile ConcurrentSkipListMap<String, Entry> byId = new ConcurrentSkipListMap<>();
  /**
   * A user's sessions: the {@link Entry} itself for a user with one session (most users), else
   * an {@code Entry[]} sorted by ID, replaced whole on change (users hold few sessions). Entries,
   * not IDs, so that walking the users needs no lookup in {@link #byId}.
   */
  private volatile ConcurrentSkipListMap<String, Object> byUser = new ConcurrentSkipListMap<>();
  /**
   * Entries taken out of {@link #byToken} and {@link #byUser} by {@link #detachUser} but still in
   * {@link #byId} (marked removed, so no read sees them) until {@link #reclaim}. Guarded by this.
   */
  private List<Entry> detached = new ArrayList<>();
  private volatile int detachedCount;
  private static final Comparator<Entry> BY_ID = (a, b) -> a.id.compareTo(b.id);
  private static final Comparator<Entry> BY_USER_THEN_ID = (a, b) -> {
    int c = a.userId.compareTo(b.userId);
    return c != 0 ? c : a.id.compareTo(b.id);
  };

  public SessionIndex() {
    this(16);
  }

  /** Sized for {@code expectedSessions}, so that loading that many never rehashes. */
  public SessionIndex(int expectedSessions) {
    byToken = new ConcurrentHashMap<>(Math.max(16, expectedSessions + expectedSessions / 3));
  }

  public Session byToken(String tokenHash, Instant now) {
    TokenKey key = TokenKey.of(tokenHash);
    Entry e = key == null ? null : byToken.get(key);
    if (e == null || e.isExpiredAt(now)) {
      return null;
    }
    Profile profile = e.profile;
    return profile == null ? null : e.session(tokenHash, profile);
  }

  public Session byId(String id, Instant now) {
    return live(byId.get(id), now);
  }

  /**
   * Fills an empty index with many sessions at once (a store's load at start): far faster than
   * one {@link #put} each, because the ID and user indexes are built from sorted arrays instead
   * of by a million random inserts. Not thread-safe until {@link Loader#finish} has returned.
   */
  public Loader loader() {
    return new Loader();
  }

  /** See {@link #loader}. */
  public final class Loader {
    private Entry[] entries = new Entry[1024];
    private int size;

    private Loader() {}

    public void add(Session session) {
      add(session.id(), session.userId(), session.tokenHash(), session.profile(), session.createdAt().toEpochMilli(),
          session.lastSeenAt().toEpochMilli(), session.expiresAt().toEpochMilli(), session.deadline().toEpochMilli(),
          session.ip(), session.userAgent());
    }

    /** One session as its stored columns (times in epoch milliseconds), without building a {@link Session}. */
    public void add(String id, String userId, String tokenHash, Profile profile, long createdAt, long lastSeenAt,
        long expiresAt, long deadline, String ip, String userAgent) {
      TokenKey key = TokenKey.of(tokenHash);
      if (key == null) {
        throw new IllegalArgumentException("not a token hash from Tokens.hash: session " + id);
      }
      if (size == entries.length) {
        entries = Arrays.copyOf(entries, size * 2);
      }
      // Rows that arrive grouped by user (the embedded store's order) share one user ID string here.
      String user = size > 0 && entries[size - 1].userId.equals(userId) ? entries[size - 1].userId : userId;
      entries[size++] = new Entry(key, id, user, profile, createdAt, lastSeenAt, expiresAt, deadline, ip, userAgent);
    }

    /** Builds the indexes; returns how many sessions there are. */
    public int finish() {
      synchronized (SessionIndex.this) {
        if (!byId.isEmpty()) {
          throw new IllegalStateException("the index is not empty");
        }
        Entry[] all = Arrays.copyOf(entries, size);
        entries = null;
        // By user, then ID (already in this order, or nearly, when rows come grouped by user).
        Arrays.sort(all, BY_USER_THEN_ID);
        String[] userIds = new String[all.length];
        Object[] userValues = new Object[all.length];
        int users = 0;
        for (int from = 0; from < all.length; ) {
          String userId = all[from].userId;
          int to = from + 1;
          while (to < all.length && all[to].userId.equals(userId)) {
            if (all[to].userId != userId) {
              all[to] = new Entry(all[to], userId);   // one copy of a user's ID for all of its sessions
            }
            to++;
          }
          userValues[users] = to - from == 1 ? all[from] : Arrays.copyOfRange(all, from, to);
          userIds[users++] = userId;
          from = to;
        }
        byUser = new ConcurrentSkipListMap<>(new SortedView<>(userIds, userValues, users));
        userIds = null;
        userValues = null;
        sortById(all);
        String[] ids = new String[all.length];
        for (int i = 0; i < all.length; i++) {
          ids[i] = all[i].id;
        }
        if (byToken.isEmpty()) {
          byToken = new ConcurrentHashMap<>(all.length + all.length / 3);   // no rehash while filling it
        }
        ConcurrentHashMap<TokenKey, Entry> tokens = byToken;
        Arrays.stream(all).parallel().forEach(e -> tokens.put(e, e));
        byId = new ConcurrentSkipListMap<>(new SortedView<>(ids, all, all.length));
        return all.length;
      }
    }
  }

  /**
   * Sorts a load's entries by ID: a full sort of a million entries (rows come grouped by user),
   * where comparing strings chases two pointers per side. Session IDs are lowercase hex
   * ({@code Tokens.newId}), and for those the first 16 digits as a number order like the string:
   * a radix sort on that number puts them in order but for ties, and the comparison sort after it
   * (exact for any ID) only checks a nearly sorted array. Other IDs get key 0 and are ordered by
   * that second sort alone.
   */
  private static void sortById(Entry[] a) {
    int n = a.length;
    if (n < 1024) {
      Arrays.sort(a, BY_ID);
      return;
    }
    long[] keys = new long[n];
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      keys[i] = hexPrefix(a[i].id);
      order[i] = i;
    }
    long[] keysTmp = new long[n];
    int[] orderTmp = new int[n];
    int[] count = new int[257];
    for (int shift = 0; shift < 64; shift += 8) {   // least significant byte first; each pass is stable
      Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[(int) (keys[i] >>> shift & 0xFF) + 1]++;
      }
      if (count[(int) (keys[0] >>> shift & 0xFF) + 1] == n) {
        continue;   // every key has the same byte here
      }
      for (int b = 0; b < 256; b++) {
        count[b + 1] += count[b];
      }
      for (int i = 0; i < n; i++) {
        int to = count[(int) (keys[i] >>> shift & 0xFF)]++;
        keysTmp[to] = keys[i];
        orderTmp[to] = order[i];
      }
      long[] k = keys;
      keys = keysTmp;
      keysTmp = k;
      int[] o = order;
      order = orderTmp;
      orderTmp = o;
    }
    Entry[] sorted = new Entry[n];
    for (int i = 0; i < n; i++) {
      sorted[i] = a[order[i]];
    }
    System.arraycopy(sorted, 0, a, 0, n);
    Arrays.sort(a, BY_ID);
  }

  /** The first 16 characters of {@code id} as hex digits, or 0 unless they all are lowercase hex. */
  private static long hexPrefix(String id) {
    if (id.length() < 16) {
      return 0;
    }
    long key = 0;
    for (int i = 0; i < 16; i++) {
      char c = id.charAt(i);
      int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (digit < 0) {
        return 0;
      }
      key = key << 4 | digit;
    }
    return key;
  }

  public synchronized void put(Session session) {
    Entry old = byId.get(session.id());
    if (old != null && old.isRemoved()) {
      byId.remove(old.id, old);   // detached, not yet reclaimed
    } else if (old != null) {
      unlink(old);
    }
    Object held = byUser.get(session.userId());
    // One copy of a user's ID for all of its sessions.
    String userId = held == null ? session.userId() : first(held).userId;
    Entry e = Entry.of(session, userId);
    byId.put(e.id, e);
    byToken.put(e, e);
    if (held == null) {
      byUser.put(userId, e);
    } else {
      Entry[] sorted = entries(held);
      int at = -Arrays.binarySearch(sorted, e, BY_ID) - 1;
      Entry[] more = new Entry[sorted.length + 1];
      System.arraycopy(sorted, 0, more, 0, at);
      more[at] = e;
      System.arraycopy(sorted, at, more, at + 1, sorted.length - at);
      byUser.put(userId, more);
    }
  }

  /**
   * Takes {@code touched}'s lastSeenAt and expiresAt (unless the stored ones are later); returns
   * the updated session, or null if it is gone. Takes no index lock (this is on the verify path):
   * it changes the stored entry in place, so a session a write removed stays removed.
   */
  public Session touch(Session touched) {
    TokenKey key = TokenKey.of(touched.tokenHash());
    Entry e = key == null ? null : byToken.get(key);
    if (e == null || !e.id.equals(touched.id())) {
      return null;
    }
    e.touch(touched.lastSeenAt().toEpochMilli(), touched.expiresAt().toEpochMilli());
    Profile profile = e.profile;
    return byToken.get(key) == e && profile != null ? e.session(touched.tokenHash(), profile) : null;
  }

  public synchronized Session remove(String id) {
    Entry old = byId.get(id);
    if (old == null || old.isRemoved()) {
      return null;
    }
    unlink(old);
    return old.session();
  }

  /** Takes {@code old} out of all three indexes. */
  private void unlink(Entry old) {
    byId.remove(old.id, old);
    byToken.remove(old, old);
    Object held = byUser.get(old.userId);
    if (held == old) {
      byUser.remove(old.userId);
    } else if (held instanceof Entry[] sorted) {
      int at = Arrays.binarySearch(sorted, old, BY_ID);
      if (at >= 0) {
        if (sorted.length == 2) {
          byUser.put(old.userId, sorted[1 - at]);
        } else {
          Entry[] fewer = new Entry[sorted.length - 1];
          System.arraycopy(sorted, 0, fewer, 0, at);
          System.arraycopy(sorted, at + 1, fewer, at, sorted.length - at - 1);
          byUser.put(old.userId, fewer);
        }
      }
    }
  }

  /** Removes every session of a user; returns how many there were. */
  public synchronized int removeUser(String userId) {
    int n = detachUser(userId);
    reclaim();
    return n;
  }

  /**
   * Removes every session of a user from every read at once, but leaves their entries in the ID
   * index (marked removed, skipped by every read) until {@link #reclaim}: a removal from the
   * million-entry skip list costs a few cache misses per level (about 3 µs each, measured), so a
   * user with a thousand sessions can be answered before those are paid. Returns how many
   * sessions there were.
   */
  public synchronized int detachUser(String userId) {
    Object held = byUser.remove(userId);
    if (held == null) {
      return 0;
    }
    Entry[] all = entries(held);
    for (Entry old : all) {
      byToken.remove(old, old);
      old.profile = null;   // removed: see Entry.isRemoved
      detached.add(old);
    }
    detachedCount = detached.size();
    return all.length;
  }

  /** Takes the entries {@link #detachUser} left out of the ID index. */
  public synchronized void reclaim() {
    if (detached.isEmpty()) {
      return;
    }
    for (Entry old : detached) {
      byId.remove(old.id, old);
    }
    detached = new ArrayList<>();
    detachedCount = 0;
  }

  /** Removes everything; returns how many sessions there were. */
  public synchronized int clear() {
    int count = byId.size() - detachedCount;
    detached = new ArrayList<>();
    detachedCount = 0;
    byId.clear();
    byToken.clear();
    byUser.clear();
    return count;
  }

  public List<Session> page(String userId, String after, int limit, Instant now) {
    List<Session> page = new ArrayList<>(Math.min(limit, 1024));
    if (userId != null) {
      Object found = byUser.get(userId);
      if (found == null) {
        return page;
      }
      Entry[] held = entries(found);
      int from = 0;
      if (after != null) {
        while (from < held.length && held[from].id.compareTo(after) <= 0) {
          from++;
        }
      }
      for (int i = from; i < held.length; i++) {
        Session s = live(held[i], now);
        if (s != null && page.add(s) && page.size() == limit) {
          break;
        }
      }
      return page;
    }
    NavigableMap<String, Entry> tail = after == null ? byId : byId.tailMap(after, false);
    for (Entry e : tail.values()) {
      Profile profile = e.profile;
      if (profile != null && !e.isExpiredAt(now) && page.add(e.session(profile)) && page.size() == limit) {
        break;
      }
    }
    return page;
  }

  public List<String> users(String after, int limit, Instant now) {
    List<String> page = new ArrayList<>(Math.min(limit, 1024));
    var tail = after == null ? byUser : byUser.tailMap(after, false);
    // Values only: an entry set would allocate one Map.Entry per user.
    for (Object held : tail.values()) {
      String userId = hasLive(held, now);
      if (userId != null) {
        page.add(userId);
        if (page.size() == limit) {
          break;
        }
      }
    }
    return page;
  }

  public synchronized int updateProfile(String userId, Profile profile) {
    Object held = byUser.get(userId);
    if (held == null) {
      return 0;
    }
    Entry[] all = entries(held);
    for (Entry e : all) {
      e.profile = profile;
    }
    return all.length;
  }

  public SessionStore.Counts counts() {
    return new SessionStore.Counts(byId.size() - detachedCount, byUser.size());
  }

  /**
   * Removes the sessions expired at {@code now} and returns them. The walk over every session
   * (a million: tens of milliseconds) holds no lock: an expired session cannot be used again, so
   * it is still expired when {@link #remove} takes it, each under the lock on its own.
   */
  public List<Session> removeExpired(Instant now) {
    List<String> expired = new ArrayList<>();
    for (Entry e : byId.values()) {
      if (!e.isRemoved() && e.isExpiredAt(now)) {
        expired.add(e.id);
      }
    }
    List<Session> removed = new ArrayList<>(expired.size());
    for (String id : expired) {
      Session s = remove(id);
      if (s != null) {
        removed.add(s);
      }
    }
    return Collections.unmodifiableList(removed);
  }

  /** The user's ID if one of {@code held} (a {@link #byUser} value) is live at {@code now}, else null. */
  private static String hasLive(Object held, Instant now) {
    if (held instanceof Entry one) {
      return one.isExpiredAt(now) ? null : one.userId;
    }
    for (Entry e : (Entry[]) held) {
      if (!e.isExpiredAt(now)) {
        return e.userId;
      }
    }
    return null;
  }

  private static Entry[] entries(Object held) {
    return held instanceof Entry one ? new Entry[] {one} : (Entry[]) held;
  }

  private static Entry first(Object held) {
    return held instanceof Entry one ? one : ((Entry[]) held)[0];
  }

  private static Session live(Entry e, Instant now) {
    if (e == null || e.isExpiredAt(now)) {
      return null;
    }
    Profile profile = e.profile;
    return profile == null ? null : e.session(profile);
  }

  /**
   * Sorted arrays seen as the {@link SortedMap} that {@link ConcurrentSkipListMap}'s constructor
   * copies in linear time; it reads only {@link #comparator} and {@link #entrySet}.
   */
  private static final class SortedView<V> extends AbstractMap<String, V> implements SortedMap<String, V> {
    private final String[] keys;
    private final Object[] values;
    private final int size;

    SortedView(String[] keys, Object[] values, int size) {
      this.keys = keys;
      this.values = values;
      this.size = size;
    }

    @Override
    public Set<Map.Entry<String, V>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Map.Entry<String, V>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < size;
            }

            @Override
            @SuppressWarnings("unchecked")
            public Map.Entry<String, V> next() {
              if (next == size) {
                throw new NoSuchElementException();
              }
              int i = next++;
              return new AbstractMap.SimpleImmutableEntry<>(keys[i], (V) values[i]);
            }
          };
        }

        @Override
        public int size() {
          return size;
        }
      };
    }

    @Override
    public Comparator<? super String> comparator() {
      return null;
    }

    @Override
    public SortedMap<String, V> subMap(String fromKey, String toKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<String, V> headMap(String toKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<String, V> tailMap(String fromKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String firstKey() {
      throw new UnsupportedOperationException();
    }

    @Override
    public String lastKey() {
      throw new UnsupportedOperationException();
    }
  }

  /** A token hash as the 32 bytes it encodes: the key of {@link #byToken}, and a lookup probe. */
  private static class TokenKey {
    final long h0;
    final long h1;
    final long h2;
    final long h3;

    TokenKey(long h0, long h1, long h2, long h3) {
      this.h0 = h0;
      this.h1 = h1;
      this.h2 = h2;
      this.h3 = h3;
    }

    /** Null when {@code tokenHash} is not a base64url SHA-256 (no stored session has such a hash). */
    static TokenKey of(String tokenHash) {
      long[] h = TokenHashes.decode(tokenHash);
      return h == null ? null : new TokenKey(h[0], h[1], h[2], h[3]);
    }

    String tokenHash() {
      return TokenHashes.encode(h0, h1, h2, h3);
    }

    @Override
    public final boolean equals(Object o) {
      return o instanceof TokenKey k && k.h0 == h0 && k.h1 == h1 && k.h2 == h2 && k.h3 == h3;
    }

    @Override
    public final int hashCode() {
      return (int) h0;   // the bytes of a SHA-256 are already uniformly spread
    }
  }

  /**
   * One session as stored: 96 bytes besides its ID and (shared) user ID strings. It is its own
   * key in {@link #byToken} (equal to any key of the same token hash), so entries are compared by
   * identity here. Use and profile changes update it in place; everything else is final.
   */
  private static final class Entry extends TokenKey {
    final String id;
    final String userId;
    final String ip;
    final String userAgent;
    final long createdAt;
    final long deadline;
    /** Null once the session is removed (detached) but its entry not yet out of {@link #byId}. */
    volatile Profile profile;
    volatile long lastSeenAt;
    volatile long expiresAt;

    private Entry(TokenKey key, String id, String userId, Profile profile, long createdAt, long lastSeenAt,
        long expiresAt, long deadline, String ip, String userAgent) {
      super(key.h0, key.h1, key.h2, key.h3);
      this.id = id;
      this.userId = userId;
      this.profile = profile;
      this.ip = ip;
      this.userAgent = userAgent;
      this.createdAt = createdAt;
      this.lastSeenAt = lastSeenAt;
      this.expiresAt = expiresAt;
      this.deadline = deadline;
    }

    /** {@code e} with another (equal) user ID string. */
    private Entry(Entry e, String userId) {
      super(e.h0, e.h1, e.h2, e.h3);
      this.id = e.id;
      this.userId = userId;
      this.profile = e.profile;
      this.ip = e.ip;
      this.userAgent = e.userAgent;
      this.createdAt = e.createdAt;
      this.lastSeenAt = e.lastSeenAt;
      this.expiresAt = e.expiresAt;
      this.deadline = e.deadline;
    }

    static Entry of(Session s, String userId) {
      TokenKey key = TokenKey.of(s.tokenHash());
      if (key == null) {
        throw new IllegalArgumentException("not a token hash from Tokens.hash: session " + s.id());
      }
      return new Entry(key, s.id(), userId, s.profile(), s.createdAt().toEpochMilli(), s.lastSeenAt().toEpochMilli(),
          s.expiresAt().toEpochMilli(), s.deadline().toEpochMilli(), s.ip(), s.userAgent());
    }

    /** Concurrent touches keep the latest use. */
    synchronized void touch(long newLastSeenAt, long newExpiresAt) {
      if (newLastSeenAt >= lastSeenAt) {
        lastSeenAt = newLastSeenAt;
        expiresAt = newExpiresAt;
      }
    }

    boolean isRemoved() {
      return profile == null;
    }

    /** As {@code Session.isExpiredAt}, to the millisecond (any Instant, even Instant.MIN). */
    boolean isExpiredAt(Instant now) {
      long exp = expiresAt;
      long seconds = Math.floorDiv(exp, 1000);
      return now.getEpochSecond() > seconds
          || (now.getEpochSecond() == seconds && now.getNano() >= Math.floorMod(exp, 1000) * 1_000_000);
    }

    Session session() {
      return session(tokenHash(), profile);
    }

    Session session(Profile profile) {
      return session(tokenHash(), profile);
    }

    Session session(String tokenHash, Profile profile) {
      return new Session(id, userId, tokenHash, profile, Instant.ofEpochMilli(createdAt), Instant.ofEpochMilli(lastSeenAt),
          Instant.ofEpochMilli(expiresAt), Instant.ofEpochMilli(deadline), ip, userAgent);
    }
  }
}
