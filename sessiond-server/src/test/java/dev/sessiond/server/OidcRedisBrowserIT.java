package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.sessiond.store.redis.Ports;
import dev.sessiond.store.redis.RedisProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The whole story of issue 24 with real parts: two sessiond processes on one Redis, started with
 * docs/guides/oidc/sessiond.yaml (this run's addresses put in; the second node's port a flag that
 * wins over the file), an app behind nginx's forward auth (docs/forward-auth/nginx.conf),
 * oidc-provider, and headless Chromium. The browser signs in on the provider's own pages and
 * arrives at the app as {@code Remote-User: corp:alice}; it signs out at the provider, whose own
 * back-channel call (to the first node) ends the session on both nodes and closes the live socket
 * the second node holds, with 4011.
 */
@Timeout(240)
class OidcRedisBrowserIT {

  @TempDir
  Path dir;

  @Test
  void aSignInAtTheProviderReachesTheAppAndTheProvidersLogoutEndsItOnBothNodes() throws Exception {
    int portA = Ports.free();
    int portB = Ports.free();
    String a = "http://127.0.0.1:" + portA;
    try (RedisProcess redis = RedisProcess.launch();
        OidcProviderProcess op = OidcProviderProcess.start(a, "corp", dir, a + "/login")) {
      Path secret = dir.resolve("oidc-corp");
      Files.writeString(secret, OidcProviderProcess.CLIENT_SECRET + "\n");
      Path yaml = dir.resolve("sessiond.yaml");
      Files.writeString(yaml, Files.readString(Path.of("../docs/guides/oidc/sessiond.yaml"))
          .replace("http://127.0.0.1:9091", a)
          .replace("redis://127.0.0.1:6379", redis.uri())
          .replace("http://127.0.0.1:9200", op.issuer)
          .replace("/run/secrets/oidc-corp", secret.toString()));
      HttpServer app = ProxiedApp.echo();
      Process nginx = null;
      ServerProcess nodeA = null;
      ServerProcess nodeB = null;
      ChromeDriver browser = null;
      try {
        nodeA = node(yaml, portA, dir.resolve("a"));
        nodeB = node(yaml, portB, dir.resolve("b"));
        int proxyPort = Ports.free();
        nginx = ProxiedApp.nginx(Files.createDirectories(dir.resolve("nginx")), proxyPort, portA, app.getAddress().getPort());
        String appUrl = "http://127.0.0.1:" + proxyPort + "/inbox";

        browser = ConsoleBrowser.chromium(Files.createDirectories(dir.resolve("profile")), "1280,800");
        WebDriverWait wait = ConsoleBrowser.waiting(browser, Duration.ofSeconds(30));
        browser.get(appUrl);
        wait.until(d -> d.findElement(By.id("provider-corp"))).click();
        // The provider's own login page (any login, any password), then its consent page.
        wait.until(d -> d.findElement(By.name("login"))).sendKeys("alice");
        browser.findElement(By.name("password")).sendKeys("any password");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(d -> d.getPageSource().contains("name=\"prompt\" value=\"consent\"") || d.getCurrentUrl().startsWith(appUrl));
        if (!browser.getCurrentUrl().startsWith(appUrl)) {
          browser.findElement(By.cssSelector("button[type=submit]")).click();
        }
        wait.until(d -> d.getCurrentUrl().startsWith(appUrl) && d.getPageSource().contains("corp:alice"));
        assertThat(browser.getPageSource()).contains("\"remote-user\":[\"corp:alice\"]").contains("User alice");

        Cookie session = browser.manage().getCookieNamed("sessiond_session");
        assertThat(session).isNotNull();
        WsClient onB = WsClient.connect(portB, session.getValue());
        onB.next("system/init");
        assertThat(new Api(portB).get("/api/whoami", "Authorization", Api.bearer(session.getValue())).status()).isEqualTo(200);

        // Sign out at the provider: its back-channel call goes to node A; B's socket closes.
        browser.get(op.issuer + "/session/end");
        wait.until(d -> d.findElement(By.cssSelector("button[name=logout][value=yes]"))).click();
        assertThat(onB.closed.get(60, TimeUnit.SECONDS).code()).isEqualTo(4011);
        for (int port : new int[] {portA, portB}) {
          assertThat(new Api(port).get("/api/whoami", "Authorization", Api.bearer(session.getValue())).status())
              .as("node on " + port).isEqualTo(401);
        }
        browser.get(appUrl);
        wait.until(d -> d.getCurrentUrl().startsWith(a + "/login"));
      } finally {
        if (browser != null) {
          browser.quit();
        }
        ProxiedApp.stop(nginx);
        app.stop(0);
        for (ServerProcess node : new ServerProcess[] {nodeA, nodeB}) {
          if (node != null) {
            node.close();
          }
        }
      }
    }
  }

  private static ServerProcess node(Path yaml, int port, Path data) throws Exception {
    ServerProcess p = ServerProcess.run(Map.of(), "serve", "--config", yaml.toString(), "--host", "127.0.0.1",
        "--port", Integer.toString(port), "--data-dir", data.toString(), "--admin-password", TestServer.ADMIN_PASSWORD,
        "--api-token", TestServer.API_TOKEN);
    p.awaitListening();
    return p;
  }
}
