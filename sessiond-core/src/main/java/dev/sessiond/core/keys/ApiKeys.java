package dev.sessiond.core.keys;

import dev.sessiond.core.SessionService;
import dev.sessiond.core.SessiondException;
import dev.sessiond.core.Tokens;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Event;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Makes, lists, finds and deletes API keys. A key's secret is {@link #PREFIX} and 256 random
 * bits (base64url): the prefix tells a key from a session token before any lookup (a token never
 * holds a dot). Making and deleting one is logged ({@code key.created}, {@code key.deleted},
 * with the key's ID and who asked); what a key does is logged with the key as its actor.
 */
public final class ApiKeys {

  public static final String PREFIX = "sdk.";
  public static final int MAX_NAME_LENGTH = 100;
  private static final CompletionStage<Optional<ApiKey>> NONE = CompletableFuture.completedFuture(Optional.empty());

  private final ApiKeyStore store;
  private final SessionService sessions;
  private final Clock clock;

  public ApiKeys(ApiKeyStore store, SessionService sessions, Clock clock) {
    this.store = store;
    this.sessions = sessions;
    this.clock = clock;
  }

  /** A new key and its secret, which exists nowhere else and is shown once. */
  public record Issued(ApiKey key, String secret) {}

  public CompletionStage<Issued> create(String name, Set<Scope> scopes, Actor actor) {
    if (name == null || name.isBlank()) {
      throw new SessiondException.Invalid("name is required");
    }
    if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
      throw new SessiondException.Invalid("name must be at most " + MAX_NAME_LENGTH + " characters, without control characters");
    }
    if (scopes == null || scopes.isEmpty()) {
      throw new SessiondException.Invalid("scopes must name at least one of verify, sessions, admin");
    }
    String secret = PREFIX + Tokens.newToken();
    ApiKey key = new ApiKey(Tokens.newId(), name, scopes, Tokens.hash(secret), clock.instant());
    return store.create(key)
        .thenCompose(v -> sessions.record(Event.of(Event.Type.KEY_CREATED, clock.instant(), null, null, null, key.id(), actor)))
        .thenApply(v -> new Issued(key, secret));
  }

  public CompletionStage<List<ApiKey>> list() {
    return store.list();
  }

  /** Deletes the key: refused from the next request on, on every node; NotFound when there is none. */
  public CompletionStage<Void> delete(String id, Actor actor) {
    return store.delete(id).thenCompose(n -> {
      if (n == 0) {
        throw new SessiondException.NotFound("API key not found");
      }
      return sessions.record(Event.of(Event.Type.KEY_DELETED, clock.instant(), null, null, null, id, actor));
    });
  }

  /** True when {@code token} is shaped like a key's secret (not a session's token). */
  public static boolean isKey(String token) {
    return token.startsWith(PREFIX);
  }

  /** The key whose secret hashes to {@code hash}, if it still exists. */
  public CompletionStage<Optional<ApiKey>> find(String hash) {
    return hash == null ? NONE : store.findByHash(hash);
  }
}
