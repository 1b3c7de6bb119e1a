package dev.sessiond.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessiond.core.SessiondException;
import dev.sessiond.core.Tokens;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * What every API key store promises: a key is found by the hash of its secret with its name,
 * scopes and creation time as made, listed in ID order, and gone from the next read once
 * deleted. A backend runs it with a subclass that says how to make a store (and a second view of
 * the same store where it has one: another node's).
 */
public abstract class ApiKeyStoreContract {

  protected abstract ApiKeyStore store();

  /** The same keys as seen from another node; the same store where there is no other. */
  protected ApiKeyStore otherNode() {
    return store();
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private static ApiKey key(String name, Set<Scope> scopes) {
    return key(Tokens.newId(), name, scopes);
  }

  private static ApiKey key(String id, String name, Set<Scope> scopes) {
    return new ApiKey(id, name, scopes, Tokens.hash(ApiKeys.PREFIX + Tokens.newToken()),
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  @Test
  void aKeyIsFoundByItsHashAsItWasMade() {
    ApiKey k = key("verifier for the shop, é", EnumSet.of(Scope.VERIFY, Scope.SESSIONS));
    await(store().create(k));
    assertThat(await(store().findByHash(k.keyHash()))).contains(k);
    assertThat(await(otherNode().findByHash(k.keyHash()))).contains(k);
    assertThat(await(store().findByHash(Tokens.hash("sdk.unknown")))).isEmpty();
  }

  @Test
  void keysAreListedInIdOrder() {
    String id = Tokens.newId();
    ApiKey a = key(id.substring(0, 23) + "0", "a", EnumSet.of(Scope.ADMIN));
    ApiKey b = key(id.substring(0, 23) + "f", "b", EnumSet.of(Scope.VERIFY));
    await(store().create(b));
    await(store().create(a));
    assertThat(await(store().list())).containsExactly(a, b);
  }

  @Test
  void aDeletedKeyIsGoneFromTheNextReadOnEveryNode() {
    ApiKey k = key("gone", EnumSet.of(Scope.VERIFY));
    ApiKey kept = key("kept", EnumSet.of(Scope.VERIFY));
    await(store().create(k));
    await(store().create(kept));
    assertThat(await(store().delete(k.id()))).isEqualTo(1);
    assertThat(await(otherNode().findByHash(k.keyHash()))).isEmpty();
    assertThat(await(otherNode().list())).containsExactly(kept);
    assertThat(await(store().delete(k.id()))).isZero();
    assertThat(await(store().findByHash(kept.keyHash()))).contains(kept);
  }

  @Test
  void aTakenIdIsAConflictAndChangesNothing() {
    ApiKey k = key("first", EnumSet.of(Scope.VERIFY));
    await(store().create(k));
    ApiKey again = new ApiKey(k.id(), "second", Set.of(Scope.ADMIN), Tokens.hash("sdk.other"), k.createdAt());
    assertThatThrownBy(() -> await(store().create(again))).hasCauseInstanceOf(SessiondException.Conflict.class);
    assertThat(await(store().findByHash(again.keyHash()))).isEmpty();
    assertThat(await(store().list())).containsExactly(k);
  }
}
