package dev.sessiond.server.forwardauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedirectPolicyTest {

  private final RedirectPolicy policy = new RedirectPolicy(List.of("app.example.com", ".corp.example"), "https://auth.example.com/");

  @ParameterizedTest
  @ValueSource(strings = {
      "https://app.example.com/",
      "https://app.example.com:8443/x?y=1&z=%2F#frag",
      "HTTPS://APP.example.COM/Path",
      "https://corp.example/",
      "https://wiki.corp.example/page",
      "https://a.b.corp.example/",
      "https://auth.example.com/admin/",
  })
  void followsAnAllowedHost(String rd) {
    assertThat(policy.check(rd)).contains(rd);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://evil.example/",
      "//evil.example/",
      "///evil.example/",
      "/\\evil.example/",
      "\\\\evil.example",
      "https:evil.example",
      "https:/evil.example",
      "https://app.example.com@evil.example/",
      "https://user:pw@app.example.com/",
      "https://evil.example\\@app.example.com/",
      "https://evil.example/\\app.example.com",
      "https://app.example.com.evil.example/",
      "https://evilapp.example.com/",
      "https://evilcorp.example/",
      "https://corp.example.evil/",
      "javascript://app.example.com/%0aalert(1)",
      "javascript:alert(1)",
      "data:text/html,hi",
      "ftp://app.example.com/",
      "https://app.example.com\t.evil.example/",
      "ht\ntps://app.example.com/",
      " https://app.example.com/",
      "https://app.example.com/ x",
      "https://%61pp.example.com/",
      "https://app。example.com/",
      "/relative/path",
      "app.example.com",
      "https://",
      "",
  })
  void refusesAnythingElse(String rd) {
    assertThat(policy.check(rd)).isEmpty();
  }

  @Test
  void refusesAnOverlongTarget() {
    assertThat(policy.check("https://app.example.com/" + "a".repeat(RedirectPolicy.MAX_LENGTH))).isEmpty();
  }

  @Test
  void theLoginUrlIsUnderThePublicUrlWithTheTargetEncoded() {
    assertThat(policy.loginUrl("https://app.example.com/a?b=1&c=2"))
        .isEqualTo("https://auth.example.com/login?rd=https%3A%2F%2Fapp.example.com%2Fa%3Fb%3D1%26c%3D2");
    assertThat(policy.home()).isEqualTo("https://auth.example.com/");
    assertThat(new RedirectPolicy(List.of(), null).loginUrl("http://x/")).isEqualTo("/login?rd=http%3A%2F%2Fx%2F");
  }

  @Test
  void withoutDomainsOnlyThePublicUrlsHostIsAllowed() {
    RedirectPolicy none = new RedirectPolicy(List.of(), null);
    assertThat(none.check("https://app.example.com/")).isEmpty();
    assertThat(new RedirectPolicy(List.of(), "http://127.0.0.1:9091").check("http://127.0.0.1:8000/x")).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "http://app.example.com/",
      "HTTP://app.example.com/",
      "Http://wiki.corp.example/page",
      "http://auth.example.com/admin/",
      "http://app.example.com:443/",
  })
  void onAnHttpsDeploymentAPlainHttpTargetIsRefused(String rd) {
    assertThat(policy.check(rd)).isEmpty();
    assertThat(policy.refusesForPlainHttp(rd)).isTrue();
    assertThat(policy.check(rd.replaceFirst("(?i)^http:", "https:"))).isPresent();
  }

  @Test
  void withAnHttpPublicUrlOrNoneBothSchemesAreFollowed() {
    for (String publicUrl : new String[] {"http://auth.example.com", null}) {
      RedirectPolicy plain = new RedirectPolicy(List.of(".example.com"), publicUrl);
      assertThat(plain.check("http://app.example.com/x")).contains("http://app.example.com/x");
      assertThat(plain.check("https://app.example.com/x")).contains("https://app.example.com/x");
      assertThat(plain.refusesForPlainHttp("http://app.example.com/x")).isFalse();
    }
  }
}
