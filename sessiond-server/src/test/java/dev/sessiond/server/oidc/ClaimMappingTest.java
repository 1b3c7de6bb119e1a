package dev.sessiond.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import dev.sessiond.core.SessiondException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** From checked ID token claims to a user ID and a profile, and who may sign in; and the state cookie's round trip. */
class ClaimMappingTest {

  private static ProviderSettings settings(String userIdClaim, String allowClaim, List<String> allowValues) {
    return new ProviderSettings("corp", "Corp", "https://id.example.com", "sessiond", "s", null, null, userIdClaim,
        null, "groups", List.of("admins"), allowClaim, allowValues, false, true);
  }

  private static IDTokenClaimsSet claims(JWTClaimsSet.Builder b) throws Exception {
    return new IDTokenClaimsSet(b.issuer("https://id.example.com").audience("sessiond")
        .issueTime(Date.from(Instant.now())).expirationTime(Date.from(Instant.now().plusSeconds(60))).build());
  }

  @Test
  void theUserIdIsTheProviderAndTheSubjectByDefault() throws Exception {
    ClaimMapping.Mapped m = ClaimMapping.map(settings(null, null, null),
        claims(new JWTClaimsSet.Builder().subject("248289761001").claim("name", "Jane Doe")));
    assertThat(m.userId()).isEqualTo("corp:248289761001");
    assertThat(m.profile().name()).isEqualTo("Jane Doe");
    assertThat(m.profile().isAdmin()).isFalse();
  }

  @Test
  void aClaimCanNameTheUserAndAGroupMakesAnAdmin() throws Exception {
    ClaimMapping.Mapped m = ClaimMapping.map(settings("email", null, null), claims(new JWTClaimsSet.Builder()
        .subject("x").claim("email", "jane@example.com").claim("groups", List.of("staff", "admins"))));
    assertThat(m.userId()).isEqualTo("jane@example.com");
    assertThat(m.profile().name()).isEqualTo("jane@example.com");
    assertThat(m.profile().isAdmin()).isTrue();
  }

  @Test
  void whoMayNotSignInIsRefusedAndAnUnusableIdToo() throws Exception {
    assertThatThrownBy(() -> ClaimMapping.map(settings(null, "groups", List.of("staff")),
        claims(new JWTClaimsSet.Builder().subject("x").claim("groups", List.of("guests")))))
        .isInstanceOf(SessiondException.Forbidden.class).hasMessageContaining("may not sign in");
    assertThatThrownBy(() -> ClaimMapping.map(settings("email", null, null), claims(new JWTClaimsSet.Builder().subject("x"))))
        .isInstanceOf(SessiondException.Forbidden.class).hasMessageContaining("sent no email");
    assertThatThrownBy(() -> ClaimMapping.map(settings("email", null, null),
        claims(new JWTClaimsSet.Builder().subject("x").claim("email", "has space@example.com"))))
        .isInstanceOf(SessiondException.Forbidden.class).hasMessageContaining("user ID");
  }

  @Test
  void theSignInStateSurvivesItsCookieAndNothingElseDecodes() {
    SignInState s = SignInState.fresh("https://app.example.com/a?b=c");
    assertThat(SignInState.decode(s.encode())).contains(s);
    assertThat(SignInState.decode("a.b.c")).isEmpty();
    assertThat(SignInState.decode("!!.!!.!!.!!")).isEmpty();
    assertThat(SignInState.decode(null)).isEmpty();
    assertThat(s.verifier()).hasSizeGreaterThanOrEqualTo(43);
  }
}
