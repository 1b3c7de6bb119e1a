package dev.sessiond.server.oidc;

import dev.sessiond.core.Tokens;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * What a sign-in through a provider must remember between leaving for the provider and coming
 * back: {@code state}, {@code nonce}, the PKCE verifier and where to go afterwards ({@code rd},
 * checked again on return). It travels in a short-lived HttpOnly, SameSite=Lax cookie scoped to
 * the provider's callback path, so that whichever node the browser comes back to can finish. The
 * cookie is not signed: a browser can only replay its own, and the state in the URL must match it.
 */
record SignInState(String state, String nonce, String verifier, String rd) {

  static final String COOKIE = "sessiond_oidc";

  static SignInState fresh(String rd) {
    return new SignInState(Tokens.newToken(), Tokens.newToken(), new com.nimbusds.oauth2.sdk.pkce.CodeVerifier().getValue(),
        rd == null ? "" : rd);
  }

  String encode() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return String.join(".", b64.encodeToString(state.getBytes(StandardCharsets.UTF_8)),
        b64.encodeToString(nonce.getBytes(StandardCharsets.UTF_8)), b64.encodeToString(verifier.getBytes(StandardCharsets.UTF_8)),
        b64.encodeToString(rd.getBytes(StandardCharsets.UTF_8)));
  }

  static Optional<SignInState> decode(String value) {
    if (value == null || value.length() > 8192) {
      return Optional.empty();
    }
    String[] parts = value.split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    try {
      Base64.Decoder b64 = Base64.getUrlDecoder();
      String[] out = new String[4];
      for (int i = 0; i < 4; i++) {
        out[i] = new String(b64.decode(parts[i]), StandardCharsets.UTF_8);
      }
      if (out[0].isEmpty() || out[1].isEmpty() || out[2].isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new SignInState(out[0], out[1], out[2], out[3]));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
