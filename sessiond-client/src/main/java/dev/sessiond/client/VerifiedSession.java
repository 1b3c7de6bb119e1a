package dev.sessiond.client;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A session sessiond says is live: its ID, its user, its profile, and when it ends unless it is
 * used again ({@link #expiresAt()}: the idle deadline, never past the session's absolute end, as
 * sessiond last said; a use report moves it on). The same object may be answered to many
 * verifies of one token: it is also the client's cache entry, which is why it is small (a
 * sessiond session ID, 24 hex digits, is kept as 12 bytes).
 */
public final class VerifiedSession {

  private static final HexFormat HEX = HexFormat.of();

  private final long idHigh;
  private final int idLow;
  /** The ID as text when it is not 24 lower-case hex digits; else null. */
  private final String idText;
  private final String userId;
  private final Profile profile;
  private volatile long expiresAtMillis;

  // The cache's bookkeeping: the key it is filed under, when, whether it was used since the last
  // use report, and the next cached session of the same user (guarded by the cache's lock).
  final TokenKey key;
  final long cachedAtNanos;
  volatile boolean used;
  VerifiedSession nextOfUser;

  VerifiedSession(String id, String userId, Profile profile, long expiresAtMillis) {
    this(id, userId, profile, expiresAtMillis, null, 0);
  }

  private VerifiedSession(String id, String userId, Profile profile, long expiresAtMillis, TokenKey key, long cachedAtNanos) {
    Objects.requireNonNull(id, "id");
    if (id.length() == 24 && id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      this.idHigh = HexFormat.fromHexDigitsToLong(id, 0, 16);
      this.idLow = HexFormat.fromHexDigits(id, 16, 24);
      this.idText = null;
    } else {
      this.idHigh = 0;
      this.idLow = 0;
      this.idText = id;
    }
    this.userId = Objects.requireNonNull(userId, "userId");
    this.profile = Objects.requireNonNull(profile, "profile");
    this.expiresAtMillis = expiresAtMillis;
    this.key = key;
    this.cachedAtNanos = cachedAtNanos;
  }

  /** This session as a cache entry filed under {@code key}, sharing {@code userId} and {@code profile} objects with another. */
  VerifiedSession cachedAs(TokenKey key, String sharedUserId, Profile sharedProfile, long nowNanos) {
    return new VerifiedSession(id(), sharedUserId, sharedProfile, expiresAtMillis, key, nowNanos);
  }

  public String id() {
    return idText != null ? idText : HEX.toHexDigits(idHigh) + HEX.toHexDigits(idLow);
  }

  /** True when this is the session with ID {@code id}, without making its text. */
  boolean hasId(String id) {
    if (idText != null) {
      return idText.equals(id);
    }
    return id.length() == 24 && id.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
        && HexFormat.fromHexDigitsToLong(id, 0, 16) == idHigh && HexFormat.fromHexDigits(id, 16, 24) == idLow;
  }

  public String userId() {
    return userId;
  }

  public Profile profile() {
    return profile;
  }

  /** When the session ends if it is not used again, as sessiond last said. */
  public Instant expiresAt() {
    return Instant.ofEpochMilli(expiresAtMillis);
  }

  long expiresAtMillis() {
    return expiresAtMillis;
  }

  void slidTo(long millis) {
    expiresAtMillis = millis;
  }

  /** Equal when they are the same session (ID), of the same user, with the same profile; the deadline may differ. */
  @Override
  public boolean equals(Object o) {
    return o instanceof VerifiedSession v && v.idHigh == idHigh && v.idLow == idLow && Objects.equals(v.idText, idText)
        && v.userId.equals(userId) && v.profile.equals(profile);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(idHigh) * 31 + idLow;
  }

  @Override
  public String toString() {
    return "VerifiedSession[id=" + id() + ", userId=" + userId + ", expiresAt=" + expiresAt() + "]";
  }
}
