package dev.sessiond.server;

import org.junit.jupiter.api.BeforeAll;

/** Forward auth through real nginx (auth_request), configured by docs/forward-auth/nginx.conf. */
class NginxForwardAuthIT extends ProxyForwardAuthContract {

  @BeforeAll
  static void start() throws Exception {
    startAll(ProxiedApp::nginx);
  }
}
