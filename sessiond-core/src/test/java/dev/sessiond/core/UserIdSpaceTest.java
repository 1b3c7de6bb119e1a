package dev.sessiond.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessiond.core.store.InMemoryMemberStore;
import dev.sessiond.core.store.InMemorySessionStore;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Member IDs and a backend's own user IDs: a caller without the admin right cannot cross over. */
class UserIdSpaceTest {

  private static final PasswordHasher PLAIN = new PasswordHasher() {
    @Override
    public CompletionStage<String> hash(String password) {
      return CompletableFuture.completedFuture("h:" + password);
    }

    @Override
    public CompletionStage<Boolean> verify(String password, String hash) {
      return CompletableFuture.completedFuture(hash.equals("h:" + password));
    }
  };

  private final Clock clock = Clock.systemUTC();
  private final SessionService sessions = new SessionService(new InMemorySessionStore(clock), SessionPolicy.defaults(), clock, new Events());
  private final MemberService members = new MemberService(new InMemoryMemberStore(), sessions, PLAIN, clock);
  private final Member boss = members.create("boss", "pw-boss-long-enough", Profile.admin("Boss"), dev.sessiond.core.events.Actor.SYSTEM).toCompletableFuture().join();

  private Profile profile(String userId, Profile requested, boolean adminRight) {
    try {
      return members.profileForSession(userId, requested, adminRight).toCompletableFuture().join();
    } catch (CompletionException e) {
      throw (RuntimeException) e.getCause();
    }
  }

  @Test
  void aCallerWithoutTheAdminRightCannotOpenAMembersSession() {
    assertThatThrownBy(() -> profile(boss.id(), null, false)).isInstanceOf(SessiondException.Forbidden.class);
    assertThatThrownBy(() -> profile(boss.id(), Profile.member("x"), false)).isInstanceOf(SessiondException.Forbidden.class);
  }

  @Test
  void aCallerWithoutTheAdminRightCannotMintAnAdminProfile() {
    assertThatThrownBy(() -> profile("backend-user", Profile.admin("x"), false)).isInstanceOf(SessiondException.Forbidden.class);
    assertThat(profile("backend-user", Profile.member("Bea"), false)).isEqualTo(Profile.member("Bea"));
    assertThat(profile("backend-user", null, false)).isEqualTo(Profile.member("backend-user"));
  }

  @Test
  void anAdminOpensAMembersSessionWithTheMembersOwnProfileOnly() {
    assertThat(profile(boss.id(), null, true)).isEqualTo(boss.profile());
    assertThatThrownBy(() -> profile(boss.id(), Profile.member("not the boss"), true))
        .isInstanceOf(SessiondException.Invalid.class);
    assertThat(profile("backend-admin", Profile.admin("x"), true).isAdmin()).isTrue();
  }
}
