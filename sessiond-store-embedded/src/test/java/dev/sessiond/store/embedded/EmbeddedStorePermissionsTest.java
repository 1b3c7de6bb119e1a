package dev.sessiond.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.Member;
import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.Tokens;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.store.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory holds password and token hashes: its owner alone may read it, whatever the umask. */
class EmbeddedStorePermissionsTest {

  @TempDir
  Path tmp;
  final MutableClock clock = new MutableClock(Instant.now());

  private void write(EmbeddedStore store, String user) {
    Instant now = clock.instant();
    store.sessions().create(new Session(Tokens.newId(), user, Tokens.hash(Tokens.newToken()), Profile.member(user), now, now,
        now.plus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), "10.0.0.1", "ua"), Actor.API_TOKEN).toCompletableFuture().join();
    store.members().create(new Member(Tokens.newId(), user, "$argon2id$hash", Profile.member(user), now))
        .toCompletableFuture().join();
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  /** Every file of the directory with its mode. */
  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().map(p -> {
        try {
          return p.getFileName() + " " + mode(p);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
  }

  @Test
  void aNewDataDirectoryAndEveryFileInItAreTheOwnersOnlyWhileOpenAndAfterAReopen() throws Exception {
    Path dir = tmp.resolve("a/b/data");
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      write(store, "alice");
      assertThat(mode(dir)).isEqualTo("rwx------");
      assertThat(files(dir)).containsExactly("sessiond.db rw-------", "sessiond.db-shm rw-------",
          "sessiond.db-wal rw-------", "sessiond.lock rw-------");
    }
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      write(store, "bob");   // SQLite made a new -wal and -shm at this open
      assertThat(files(dir)).isNotEmpty().allMatch(f -> f.endsWith(" rw-------"));
      assertThat(files(dir)).anyMatch(f -> f.startsWith("sessiond.db-wal "));
    }
    assertThat(mode(dir)).isEqualTo("rwx------");
  }

  @Test
  void aDirectoryAnEarlierVersionLeftReadableIsTightenedAtStartAndKeepsItsData() throws Exception {
    Path dir = tmp.resolve("data");
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      write(store, "carol");
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path stray = Files.writeString(dir.resolve("sessiond.db.bak"), "a copy");
    for (Path f : List.of(dir.resolve("sessiond.db"), dir.resolve("sessiond.lock"), stray)) {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    }
    Path sub = Files.createDirectory(dir.resolve("not-ours"));   // not a file of the store: left alone

    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      assertThat(mode(dir)).isEqualTo("rwx------");
      assertThat(files(dir)).contains("sessiond.db rw-------", "sessiond.lock rw-------", "sessiond.db.bak rw-------",
          "sessiond.db-wal rw-------", "sessiond.db-shm rw-------");
      assertThat(store.members().findByUsername("carol").toCompletableFuture().join()).isPresent();
    }
    assertThat(mode(sub)).isNotEqualTo("rw-------");
  }
}
