package dev.sessiond.store.embedded;

import dev.sessiond.core.store.EventLogContract;
import dev.sessiond.core.store.MutableClock;
import dev.sessiond.core.store.SessionStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedEventLogTest extends EventLogContract {

  @TempDir
  Path dir;
  private EmbeddedStore embedded;

  @Override
  protected SessionStore newStore(MutableClock clock) {
    embedded = EmbeddedStore.open(dir, clock);
    return embedded.sessions();
  }

  @AfterEach
  void closeEmbedded() {
    embedded.close();
  }
}
