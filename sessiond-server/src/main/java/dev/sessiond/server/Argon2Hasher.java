package dev.sessiond.server;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import dev.sessiond.core.PasswordHasher;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;

/**
 * Argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane), run on a pool of
 * its own so that hashing never blocks an event loop.
 */
public final class Argon2Hasher implements PasswordHasher {

  private static final Argon2Function ARGON2 = Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID, 19);
  private final ExecutorService pool;

  public Argon2Hasher(ExecutorService pool) {
    this.pool = pool;
  }

  @Override
  public CompletionStage<String> hash(String password) {
    return CompletableFuture.supplyAsync(() -> Password.hash(password).addRandomSalt(16).with(ARGON2).getResult(), pool);
  }

  @Override
  public CompletionStage<Boolean> verify(String password, String hash) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
      } catch (RuntimeException e) {
        return false;
      }
    }, pool);
  }
}
