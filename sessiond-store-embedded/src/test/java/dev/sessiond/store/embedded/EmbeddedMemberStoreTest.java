package dev.sessiond.store.embedded;

import dev.sessiond.core.store.MemberStore;
import dev.sessiond.core.store.MemberStoreContract;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedMemberStoreTest extends MemberStoreContract {

  @TempDir
  Path dir;
  private EmbeddedStore embedded;

  @Override
  protected MemberStore newStore() {
    embedded = EmbeddedStore.open(dir, Clock.systemUTC());
    return embedded.members();
  }

  @AfterEach
  void closeEmbedded() {
    embedded.close();
  }
}
