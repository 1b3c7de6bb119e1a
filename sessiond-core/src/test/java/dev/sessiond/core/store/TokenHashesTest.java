package dev.sessiond.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.Tokens;
import org.junit.jupiter.api.Test;

class TokenHashesTest {

  @Test
  void aTokenHashRoundTripsThroughItsFourLongs() {
    for (int i = 0; i < 1000; i++) {
      String hash = Tokens.hash(Tokens.newToken());
      long[] h = TokenHashes.decode(hash);
      assertThat(TokenHashes.encode(h[0], h[1], h[2], h[3])).isEqualTo(hash);
    }
  }

  @Test
  void textThatIsNotATokenHashDecodesToNothing() {
    String hash = Tokens.hash("x");
    assertThat(TokenHashes.decode(null)).isNull();
    assertThat(TokenHashes.decode("short")).isNull();
    assertThat(TokenHashes.decode(hash.substring(0, 42) + "!")).isNull();
    // Same 32 bytes, other unused low bits in the last character: not the text Tokens.hash writes.
    char last = hash.charAt(42);
    assertThat(TokenHashes.decode(hash.substring(0, 42) + (char) (last + 1))).isNull();
  }
}
