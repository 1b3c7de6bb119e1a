package dev.sessiond.server;

import org.junit.jupiter.api.BeforeAll;

/** Forward auth through real Caddy (forward_auth), configured by docs/forward-auth/Caddyfile. */
class CaddyForwardAuthIT extends ProxyForwardAuthContract {

  @BeforeAll
  static void start() throws Exception {
    startAll(ProxiedApp::caddy);
  }
}
