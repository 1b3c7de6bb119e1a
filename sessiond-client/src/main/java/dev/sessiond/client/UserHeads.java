package dev.sessiond.client;

import java.util.Arrays;

/**
 * Each user's first cached session, by user ID: an open-addressing table (linear probing, at
 * most half full) of the head entries themselves, so that a user costs one or two array slots
 * where a map would add a node of 32 bytes. Not thread-safe: the cache's lock guards it.
 */
final class UserHeads {

  private static final int INITIAL = 16;

  private VerifiedSession[] slots = new VerifiedSession[INITIAL];
  private int size;

  VerifiedSession get(String userId) {
    return slots[indexOf(slots, userId)];
  }

  /** Makes {@code head} its user's first cached session, in place of the one before it. */
  void put(VerifiedSession head) {
    if ((size + 1) * 2 > slots.length) {
      resize(slots.length * 2);
    }
    int i = indexOf(slots, head.userId());
    if (slots[i] == null) {
      size++;
    }
    slots[i] = head;
  }

  /** Removes {@code userId}'s head and returns it (null when it has none). */
  VerifiedSession remove(String userId) {
    VerifiedSession[] t = slots;
    int mask = t.length - 1;
    int i = indexOf(t, userId);
    VerifiedSession removed = t[i];
    if (removed == null) {
      return null;
    }
    t[i] = null;
    size--;
    // Backward-shift deletion: move up each later entry of the run that may no longer be reached.
    for (int j = (i + 1) & mask; t[j] != null; j = (j + 1) & mask) {
      int home = home(t[j].userId(), mask);
      boolean reachable = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (!reachable) {
        t[i] = t[j];
        t[j] = null;
        i = j;
      }
    }
    return removed;
  }

  void clear() {
    slots = new VerifiedSession[INITIAL];
    size = 0;
  }

  int size() {
    return size;
  }

  /** The slot holding {@code userId}'s head, or the empty slot where it would go. */
  private static int indexOf(VerifiedSession[] t, String userId) {
    int mask = t.length - 1;
    int i = home(userId, mask);
    while (t[i] != null && !t[i].userId().equals(userId)) {
      i = (i + 1) & mask;
    }
    return i;
  }

  private static int home(String userId, int mask) {
    int h = userId.hashCode();
    return (h ^ (h >>> 16)) & mask;
  }

  private void resize(int capacity) {
    VerifiedSession[] old = slots;
    slots = new VerifiedSession[capacity];
    for (VerifiedSession e : old) {
      if (e != null) {
        slots[indexOf(slots, e.userId())] = e;
      }
    }
  }

  @Override
  public String toString() {
    return "UserHeads" + Arrays.toString(slots);
  }
}
