package dev.sessiond.core;

import java.util.concurrent.CompletionStage;

/**
 * Slow, salted password hashing. Implementations run the work off the caller's thread, since
 * callers may be event loops.
 */
public interface PasswordHasher {

  CompletionStage<String> hash(String password);

  CompletionStage<Boolean> verify(String password, String hash);
}
