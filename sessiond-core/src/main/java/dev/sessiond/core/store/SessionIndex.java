package dev.sessiond.core.store;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Sessions in memory, indexed by token hash (the verify path: one hash lookup), by ID (keyset
 * pages) and by user. Reads take no lock; writes are serialised on this object, so the three
 * indexes always agree once a write returns. Expired sessions stay until
 * {@link #removeExpired} but are invisible to every read.
 */
public final class SessionIndex {

  private final ConcurrentHashMap<String, Session> byToken;
  private final ConcurrentSkipListMap<String, Session> byId = new ConcurrentSkipListMap<>();
  /** A user's session IDs as a sorted array, replaced whole on change (users hold few sessions; this is small). */
  private final ConcurrentSkipListMap<String, String[]> byUser = new ConcurrentSkipListMap<>();

  public SessionIndex() {
    this(16);
  }

  /** Sized for {@code expectedSessions}, so that loading that many never rehashes. */
  public SessionIndex(int expectedSessions) {
    byToken = new ConcurrentHashMap<>(Math.max(16, expectedSessions + expectedSessions / 3));
  }

  public Session byToken(String tokenHash, Instant now) {
    return live(byToken.get(tokenHash), now);
  }

  public Session byId(String id, Instant now) {
    return live(byId.get(id), now);
  }

  public synchronized void put(Session session) {
    Session old = byId.put(session.id(), session);
    if (old != null) {
      byToken.remove(old.tokenHash());
    }
    byToken.put(session.tokenHash(), session);
    String[] ids = byUser.get(session.userId());
    if (ids == null) {
      byUser.put(session.userId(), new String[] {session.id()});
    } else if (Arrays.binarySearch(ids, session.id()) < 0) {
      int at = -Arrays.binarySearch(ids, session.id()) - 1;
      String[] more = new String[ids.length + 1];
      System.arraycopy(ids, 0, more, 0, at);
      more[at] = session.id();
      System.arraycopy(ids, at, more, at + 1, ids.length - at);
      byUser.put(session.userId(), more);
    }
  }

  /**
   * Takes {@code touched}'s lastSeenAt and expiresAt; returns the updated session, or null if
   * it is gone or changed meanwhile. Takes no lock (this is on the verify path): it only
   * replaces the exact value it read, so it never brings back a session a write removed.
   */
  public Session touch(Session touched) {
    Session old = byToken.get(touched.tokenHash());
    if (old == null || !old.id().equals(touched.id())) {
      return null;
    }
    Session updated = new Session(old.id(), old.userId(), old.tokenHash(), old.profile(), old.createdAt(),
        touched.lastSeenAt(), touched.expiresAt(), old.deadline(), old.ip(), old.userAgent());
    if (!byToken.replace(updated.tokenHash(), old, updated)) {
      return null;
    }
    byId.replace(updated.id(), old, updated);
    return updated;
  }

  public synchronized Session remove(String id) {
    Session old = byId.remove(id);
    if (old != null) {
      byToken.remove(old.tokenHash());
      String[] ids = byUser.get(old.userId());
      int at = ids == null ? -1 : Arrays.binarySearch(ids, id);
      if (at >= 0) {
        if (ids.length == 1) {
          byUser.remove(old.userId());
        } else {
          String[] fewer = new String[ids.length - 1];
          System.arraycopy(ids, 0, fewer, 0, at);
          System.arraycopy(ids, at + 1, fewer, at, ids.length - at - 1);
          byUser.put(old.userId(), fewer);
        }
      }
    }
    return old;
  }

  public synchronized List<Session> removeUser(String userId) {
    String[] ids = byUser.remove(userId);
    if (ids == null) {
      return List.of();
    }
    List<Session> removed = new ArrayList<>(ids.length);
    for (String id : ids) {
      Session old = byId.remove(id);
      if (old != null) {
        byToken.remove(old.tokenHash());
        removed.add(old);
      }
    }
    return removed;
  }

  /** Removes everything; returns how many sessions there were. */
  public synchronized int clear() {
    int count = byId.size();
    byId.clear();
    byToken.clear();
    byUser.clear();
    return count;
  }

  public List<Session> page(String userId, String after, int limit, Instant now) {
    List<Session> page = new ArrayList<>(Math.min(limit, 1024));
    if (userId != null) {
      String[] ids = byUser.get(userId);
      if (ids == null) {
        return page;
      }
      int from = after == null ? 0 : Arrays.binarySearch(ids, after);
      from = after == null ? 0 : from >= 0 ? from + 1 : -from - 1;
      for (String id : Arrays.asList(ids).subList(from, ids.length)) {
        Session s = live(byId.get(id), now);
        if (s != null && page.add(s) && page.size() == limit) {
          break;
        }
      }
      return page;
    }
    NavigableMap<String, Session> tail = after == null ? byId : byId.tailMap(after, false);
    for (Session s : tail.values()) {
      if (!s.isExpiredAt(now) && page.add(s) && page.size() == limit) {
        break;
      }
    }
    return page;
  }

  public List<String> users(String after, int limit, Instant now) {
    List<String> page = new ArrayList<>(Math.min(limit, 1024));
    var tail = after == null ? byUser : byUser.tailMap(after, false);
    for (Map.Entry<String, String[]> e : tail.entrySet()) {
      if (hasLive(e.getValue(), now)) {
        page.add(e.getKey());
        if (page.size() == limit) {
          break;
        }
      }
    }
    return page;
  }

  public synchronized int updateProfile(String userId, Profile profile) {
    String[] ids = byUser.get(userId);
    if (ids == null) {
      return 0;
    }
    int n = 0;
    for (String id : ids) {
      Session old = byId.get(id);
      if (old != null) {
        Session updated = old.withProfile(profile);
        byId.put(id, updated);
        byToken.put(updated.tokenHash(), updated);
        n++;
      }
    }
    return n;
  }

  public SessionStore.Counts counts() {
    return new SessionStore.Counts(byId.size(), byUser.size());
  }

  public synchronized List<Session> removeExpired(Instant now) {
    List<Session> expired = new ArrayList<>();
    for (Session s : byId.values()) {
      if (s.isExpiredAt(now)) {
        expired.add(s);
      }
    }
    for (Session s : expired) {
      remove(s.id());
    }
    return Collections.unmodifiableList(expired);
  }

  private boolean hasLive(String[] ids, Instant now) {
    for (String id : ids) {
      if (live(byId.get(id), now) != null) {
        return true;
      }
    }
    return false;
  }

  private static Session live(Session s, Instant now) {
    return s == null || s.isExpiredAt(now) ? null : s;
  }
}
