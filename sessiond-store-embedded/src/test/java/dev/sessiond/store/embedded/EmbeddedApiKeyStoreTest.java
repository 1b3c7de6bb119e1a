package dev.sessiond.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.Tokens;
import dev.sessiond.core.keys.ApiKey;
import dev.sessiond.core.keys.ApiKeyStore;
import dev.sessiond.core.keys.ApiKeyStoreContract;
import dev.sessiond.core.keys.Scope;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedApiKeyStoreTest extends ApiKeyStoreContract {

  @TempDir
  Path dir;
  private EmbeddedStore embedded;

  @BeforeEach
  void open() {
    embedded = EmbeddedStore.open(dir, Clock.systemUTC());
  }

  @AfterEach
  void closeEmbedded() {
    embedded.close();
  }

  @Override
  protected ApiKeyStore store() {
    return embedded.apiKeys();
  }

  @Test
  void aKeyOutlivesARestart() {
    ApiKey k = new ApiKey(Tokens.newId(), "kept", EnumSet.of(Scope.SESSIONS), Tokens.hash("sdk.x"),
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
    embedded.apiKeys().create(k).toCompletableFuture().join();
    embedded.close();
    embedded = EmbeddedStore.open(dir, Clock.systemUTC());
    assertThat(embedded.apiKeys().findByHash(k.keyHash()).toCompletableFuture().join()).contains(k);
  }
}
