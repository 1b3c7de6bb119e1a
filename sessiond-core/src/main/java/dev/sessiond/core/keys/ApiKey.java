package dev.sessiond.core.keys;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * An API key: a long random secret shown once at creation and kept only as its hash
 * ({@code keyHash}, as {@code Tokens.hash}), a name for people, and its scopes.
 */
public record ApiKey(String id, String name, Set<Scope> scopes, String keyHash, Instant createdAt) {

  public ApiKey {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keyHash, "keyHash");
    Objects.requireNonNull(createdAt, "createdAt");
    scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
  }

  /** True when this key may act in {@code scope}: it holds it, or holds {@code admin}. */
  public boolean may(Scope scope) {
    return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
  }
}
