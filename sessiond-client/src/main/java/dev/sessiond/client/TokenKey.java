package dev.sessiond.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What the cache files a session under: the first 128 bits of the SHA-256 of its token, so that
 * no token is kept in memory (a heap dump shows no usable secret) and a key costs two longs.
 * Finding another token with the same 128 bits is a 2^128 search.
 */
final class TokenKey {

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  });

  private final long high;
  private final long low;

  private TokenKey(long high, long low) {
    this.high = high;
    this.low = low;
  }

  static TokenKey of(String token) {
    byte[] d = SHA256.get().digest(token.getBytes(StandardCharsets.UTF_8));
    long h = 0;
    long l = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (d[i] & 0xff);
      l = (l << 8) | (d[i + 8] & 0xff);
    }
    return new TokenKey(h, l);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TokenKey k && k.high == high && k.low == low;
  }

  @Override
  public int hashCode() {
    return (int) (low ^ (low >>> 32));
  }
}
