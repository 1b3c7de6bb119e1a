package dev.sessiond.core.identity;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Which sessions belong to which provider session, so that a provider's back-channel logout
 * ends them on every node, and which logout tokens were already used. Every backend passes
 * {@code IdentityStoreContract}. A link or a token ID is visible to every node sharing the
 * store once its stage completes. Links outlive the sessions they name until their
 * {@code expiresAt} (ending a session does not unlink it: a lookup may name a session that has
 * already ended, which the caller finds gone); expired links and token IDs are never returned
 * and are dropped in time. Failures complete the stage with {@code SessiondException.StoreUnavailable}.
 */
public interface IdentityStore {

  /** Remembers that {@code link.sessionId()} was started by this provider session. */
  CompletionStage<Void> link(ProviderSession link);

  /** The provider session a session was started by, if it was. */
  CompletionStage<Optional<ProviderSession>> find(String sessionId);

  /** The sessions started by one provider session ({@code sid}), in no particular order. */
  CompletionStage<List<String>> sessionsOfSid(String provider, String sid);

  /** The sessions started by one subject at a provider, whatever its provider sessions. */
  CompletionStage<List<String>> sessionsOfSub(String provider, String sub);

  /**
   * Remembers a logout token's {@code jti} at {@code provider} until {@code expiresAt}; true the
   * first time, false for one seen before (a replay), atomically across nodes.
   */
  CompletionStage<Boolean> firstUse(String provider, String jti, Instant expiresAt);
}
