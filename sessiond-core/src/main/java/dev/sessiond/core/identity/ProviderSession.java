package dev.sessiond.core.identity;

import java.time.Instant;
import java.util.Objects;

/**
 * A sign-in at an OpenID Provider, beside the sessiond session it started: the provider's name
 * (as configured), its session ID {@code sid} (null when the provider sends none), the subject
 * {@code sub}, and the ID token it issued (kept for RP-initiated logout's {@code id_token_hint};
 * null when not kept). The link lasts as long as its session may: until {@code expiresAt}.
 */
public record ProviderSession(String provider, String sid, String sub, String sessionId, String idToken,
    Instant expiresAt) {

  public ProviderSession {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(sub, "sub");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (provider.isEmpty() || sub.isEmpty() || sessionId.isEmpty()) {
      throw new IllegalArgumentException("provider, sub and sessionId are required");
    }
    sid = sid == null || sid.isEmpty() ? null : sid;
  }
}
