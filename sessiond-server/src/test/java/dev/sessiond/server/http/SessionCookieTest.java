package dev.sessiond.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionCookieTest {

  @Test
  void theCookieIsLaxHttpOnlyAndCarriesTheDomainAndSecureWhenAsked() {
    String set = new SessionCookie(true, "example.com").issue("t0k3n", Duration.ofHours(1)).encode();
    assertThat(set).startsWith("sessiond_session=t0k3n").containsIgnoringCase("HttpOnly").contains("SameSite=Lax")
        .contains("Secure").contains("Domain=example.com").contains("Max-Age=3600").contains("Path=/");
  }

  @Test
  void withoutADomainTheCookieIsHostOnlyAndClearingKeepsTheSameScope() {
    assertThat(new SessionCookie(false, null).issue("t", Duration.ofMinutes(1)).encode()).doesNotContain("Domain").doesNotContain("Secure");
    assertThat(new SessionCookie(false, "example.com").clear().encode()).contains("Max-Age=0").contains("Domain=example.com");
  }
}
