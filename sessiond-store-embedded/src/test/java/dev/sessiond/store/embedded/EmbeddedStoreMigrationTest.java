package dev.sessiond.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.core.Profile;
import dev.sessiond.core.Session;
import dev.sessiond.core.Tokens;
import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.EventQuery;
import dev.sessiond.core.events.Reasons;
import dev.sessiond.core.store.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory written by the layout before WITHOUT ROWID opens with every session it held. */
class EmbeddedStoreMigrationTest {

  @TempDir
  Path dir;
  final MutableClock clock = new MutableClock(Instant.now());

  private Session session(String userId, Duration life) {
    Instant now = clock.instant();
    return new Session(Tokens.newId(), userId, Tokens.hash(Tokens.newToken()), Profile.member(userId), now, now,
        now.plus(life), now.plus(Duration.ofDays(1)), "10.0.0.1", "ua");
  }

  @Test
  void sessionsOfTheRowidLayoutAreCarriedOverAndExpiredOnesLogged() throws Exception {
    Session a1 = session("a", Duration.ofHours(1));
    Session a2 = session("a", Duration.ofHours(1));
    Session b = session("b", Duration.ofHours(1));
    Session gone = session("c", Duration.ofMinutes(-1));
    Files.createDirectories(dir);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("sessiond.db"));
        Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("""
          CREATE TABLE sessions (id TEXT PRIMARY KEY, user_id TEXT NOT NULL,
            token_hash TEXT NOT NULL, profile TEXT NOT NULL, created_at INTEGER NOT NULL,
            last_seen_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, deadline INTEGER NOT NULL,
            ip TEXT NOT NULL, user_agent TEXT NOT NULL)""");
      st.execute("CREATE INDEX sessions_user ON sessions (user_id)");
      try (PreparedStatement in = c.prepareStatement("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Session s : new Session[] {a1, a2, b, gone}) {
          in.setString(1, s.id());
          in.setString(2, s.userId());
          in.setString(3, s.tokenHash());
          in.setString(4, ProfileJson.write(s.profile()));
          in.setLong(5, s.createdAt().toEpochMilli());
          in.setLong(6, s.lastSeenAt().toEpochMilli());
          in.setLong(7, s.expiresAt().toEpochMilli());
          in.setLong(8, s.deadline().toEpochMilli());
          in.setString(9, s.ip());
          in.setString(10, s.userAgent());
          in.executeUpdate();
        }
      }
    }
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      var sessions = store.sessions();
      for (Session s : new Session[] {a1, a2, b}) {
        assertThat(sessions.findByTokenHash(s.tokenHash()).toCompletableFuture().join()).contains(s);
      }
      assertThat(sessions.findById(gone.id()).toCompletableFuture().join()).isEmpty();
      assertThat(sessions.log().read(EventQuery.after(null, 100)).toCompletableFuture().join())
          .anySatisfy(e -> assertThat(e.sessionId()).isEqualTo(gone.id()));
      // Writes address the new layout.
      assertThat(sessions.delete(a1.id(), Actor.API_TOKEN, Reasons.DELETED).toCompletableFuture().join()).isEqualTo(1);
      assertThat(sessions.deleteByUser("a", Actor.API_TOKEN, Reasons.USER).toCompletableFuture().join()).isEqualTo(1);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("sessiond.db"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT sql FROM sqlite_master WHERE name LIKE 'sessions%' ORDER BY name")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).contains("WITHOUT ROWID");
      assertThat(rs.next()).isFalse();   // no leftover table or index
    }
    try (EmbeddedStore store = EmbeddedStore.open(dir, clock)) {
      assertThat(store.sessions().findByTokenHash(b.tokenHash()).toCompletableFuture().join()).contains(b);
      assertThat(store.sessions().counts().toCompletableFuture().join().sessions()).isEqualTo(1);
    }
  }
}
