package dev.sessiond.store.embedded;

import dev.sessiond.core.identity.IdentityStore;
import dev.sessiond.core.identity.IdentityStoreContract;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedIdentityStoreTest extends IdentityStoreContract {

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
  protected IdentityStore store() {
    return embedded.identities();
  }
}
