package dev.sessiond.core.store;

import java.nio.ByteBuffer;
import java.util.Base64;

/** Token hashes ({@code Tokens.hash}: base64url of a SHA-256, no padding) as four longs and back. */
final class TokenHashes {

  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  /** 32 bytes in base64url without padding. */
  private static final int LENGTH = 43;

  private TokenHashes() {}

  /** The four longs of a hash, or null when {@code tokenHash} is not one. */
  static long[] decode(String tokenHash) {
    // The last character carries 4 bits; the 2 below must be zero, or two texts would be one hash.
    if (tokenHash == null || tokenHash.length() != LENGTH || "AEIMQUYcgkosw048".indexOf(tokenHash.charAt(LENGTH - 1)) < 0) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = DECODER.decode(tokenHash);
    } catch (IllegalArgumentException e) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new long[] {b.getLong(), b.getLong(), b.getLong(), b.getLong()};
  }

  static String encode(long h0, long h1, long h2, long h3) {
    return ENCODER.encodeToString(ByteBuffer.allocate(32).putLong(h0).putLong(h1).putLong(h2).putLong(h3).array());
  }
}
