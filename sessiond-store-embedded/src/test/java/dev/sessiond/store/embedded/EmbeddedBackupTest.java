package dev.sessiond.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.Tokens;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Reasons;
import dev.sessiond.core.store.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups taken beside an open store, and restores that refuse a held directory and keep what
 * they replace. (Under a running server's write load over HTTP: BackupRestoreIT in the server.)
 */
class EmbeddedBackupTest {

  @TempDir
  Path dir;
  final MutableClock clock = new MutableClock(Instant.now());

  private Session session(String userId) {
    Instant now = clock.instant();
    return new Session(Tokens.newId(), userId, Tokens.hash(Tokens.newToken()), Profile.member(userId), now, now,
        now.plus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), "10.0.0.1", "ua");
  }

  @Test
  void aBackupBesideAStoreInUseHoldsWhatWasCommittedBeforeItAndIsOwnerOnly() throws Exception {
    Path data = dir.resolve("data");
    Path backup = dir.resolve("b.db");
    try (EmbeddedStore store = EmbeddedStore.open(data, clock)) {
      List<Session> before = Stream.generate(() -> session("u")).limit(50).toList();
      for (Session s : before) {
        store.sessions().create(s, Actor.API_TOKEN).toCompletableFuture().join();
      }
      store.sessions().delete(before.get(0).id(), Actor.API_TOKEN, Reasons.DELETED).toCompletableFuture().join();
      AtomicBoolean writing = new AtomicBoolean(true);
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        for (int i = 0; writing.get(); i++) {
          store.sessions().create(session("w" + i), Actor.API_TOKEN).toCompletableFuture().join();
        }
      });
      BackupContents contents = EmbeddedBackup.backup(data, backup, false);
      writing.set(false);
      writer.join();
      assertThat(contents.sessions()).isGreaterThanOrEqualTo(49);
      assertThat(contents.members()).isZero();
      assertThat(contents.events()).isGreaterThanOrEqualTo(51);
      assertThat(Files.getPosixFilePermissions(backup)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(dir.resolve("b.db.partial")).doesNotExist();
      assertThat(dir.resolve("b.db-wal")).doesNotExist();
      assertThatThrownBy(() -> EmbeddedBackup.backup(data, backup, false)).hasMessageContaining("--overwrite");
      assertThatThrownBy(() -> EmbeddedBackup.backup(data, data.resolve("sessiond.db"), true))
          .hasMessageContaining("the server's own files");
      assertThat(EmbeddedBackup.backup(data, backup, true).sessions()).isGreaterThanOrEqualTo(contents.sessions());
      // A restore is refused while the store holds the directory, and changes nothing there.
      assertThatThrownBy(() -> EmbeddedRestore.restore(backup, data, clock))
          .isInstanceOf(DataDirLockedException.class).hasMessageContaining("in use");
      assertThat(data.resolve("sessiond.db.restoring")).doesNotExist();
    }
  }

  @Test
  void aRestoreKeepsTheReplacedDatabaseAsideAndNeverGivesAnEventIdTwice() throws Exception {
    Path data = dir.resolve("data");
    Path backup = dir.resolve("b.db");
    Session early = session("early");
    Session late = session("late");
    long lastIdBeforeRestore;
    try (EmbeddedStore store = EmbeddedStore.open(data, clock)) {
      store.sessions().create(early, Actor.API_TOKEN).toCompletableFuture().join();
      EmbeddedBackup.backup(data, backup, false);
      store.sessions().create(late, Actor.API_TOKEN).toCompletableFuture().join();
      store.sessions().delete(early.id(), Actor.API_TOKEN, Reasons.DELETED).toCompletableFuture().join();
    }
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve("sessiond.db"));
        java.sql.Statement st = c.createStatement()) {
      lastIdBeforeRestore = BackupContents.lastEventId(st);
    }
    EmbeddedRestore.Restored restored = EmbeddedRestore.restore(backup, data, clock);
    assertThat(restored.contents().sessions()).isEqualTo(1);
    Path aside = restored.previous().orElseThrow();
    assertThat(aside.getParent()).isEqualTo(data);
    assertThat(aside.resolve("sessiond.db")).exists();
    assertThat(Files.getPosixFilePermissions(aside)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    try (EmbeddedStore store = EmbeddedStore.open(data, clock)) {
      assertThat(store.sessions().findById(early.id()).toCompletableFuture().join()).isPresent();
      assertThat(store.sessions().findById(late.id()).toCompletableFuture().join()).isEmpty();
      store.sessions().create(session("after"), Actor.API_TOKEN).toCompletableFuture().join();
    }
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve("sessiond.db"));
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT MAX(seq) FROM events WHERE session_id IS NOT NULL")) {
      rs.next();
      assertThat(rs.getLong(1)).as("the first entry after the restore").isGreaterThan(lastIdBeforeRestore);
    }
  }

  @Test
  void whatIsNotABackupOrNotADataDirectoryIsRefusedByName() throws Exception {
    Path data = dir.resolve("data");
    assertThatThrownBy(() -> EmbeddedBackup.backup(data, dir.resolve("x.db"), false))
        .hasMessageContaining("no sessiond database in");
    assertThat(data).doesNotExist();
    Path text = Files.writeString(dir.resolve("notes.txt"), "not a database at all, but long enough to be read");
    assertThatThrownBy(() -> EmbeddedRestore.restore(text, data, clock)).hasMessageContaining("notes.txt");
    Path other = dir.resolve("other.db");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + other);
        java.sql.Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (x)");
    }
    assertThatThrownBy(() -> EmbeddedRestore.restore(other, data, clock))
        .hasMessageContaining("not a sessiond database");
    assertThatThrownBy(() -> EmbeddedRestore.restore(dir.resolve("missing.db"), data, clock))
        .hasMessageContaining("no backup file");
    try (Stream<Path> left = Files.list(data)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("sessiond.lock");
    }
  }
}
