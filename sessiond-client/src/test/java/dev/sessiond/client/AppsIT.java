package dev.sessiond.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.client.demo.DemoApp;
import dev.sessiond.client.micrometer.SessiondClientMetrics;
import dev.sessiond.client.servlet.SessiondFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Where apps plug the client in, each a real app against the real server: the servlet filter in
 * an embedded Jetty, and a Spring Boot application configured by {@code sessiond.url} and
 * {@code sessiond.api-key} alone. Both let a live session through (the session a request
 * attribute), answer 401 JSON without one or after its revocation, and the Boot app's client is
 * a bean with its metrics.
 */
class AppsIT {

  @TempDir
  static Path dir;
  static Sessiond server;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    server = Sessiond.embedded(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static HttpResponse<String> get(int port, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The same checks for both apps: through with a live session, 401 JSON without or after revocation. */
  static void guards(int port, String path, String expected) throws Exception {
    var s = server.session("app:guarded-" + port);
    String token = s.get("token").asText();
    HttpResponse<String> ok = get(port, path, "Authorization", "Bearer " + token);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo(expected.replace("{user}", "app:guarded-" + port));
    HttpResponse<String> cookie = get(port, path, "Cookie", "sessiond_session=" + token);
    assertThat(cookie.statusCode()).isEqualTo(200);

    HttpResponse<String> none = get(port, path);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    assertThat(Remote.JSON.readTree(none.body()).get("message").asText()).isEqualTo("authentication required");
    assertThat(get(port, path, "Authorization", "Bearer forged").statusCode()).isEqualTo(401);

    server.admin("DELETE", "/api/sessions/" + s.get("id").asText(), null, 204);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    HttpResponse<String> after;
    do {
      after = get(port, path, "Authorization", "Bearer " + token);
      assertThat(System.nanoTime()).as("refused within 5 s of its revocation").isLessThan(deadline);
    } while (after.statusCode() == 200);
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(Remote.JSON.readTree(after.body()).get("message").asText()).isEqualTo("invalid or expired session");
  }

  @Test
  void theFilterGuardsAnEmbeddedJettyApp() throws Exception {
    try (SessiondClient client = SessiondClient.builder(server.uri).apiKey(server.key("verify")).build()) {
      Server jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
      ServletContextHandler app = new ServletContextHandler();
      app.addFilter(new FilterHolder(new SessiondFilter(client)), "/*", EnumSet.of(DispatcherType.REQUEST));
      app.addServlet(new ServletHolder(new HttpServlet() {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
          resp.getWriter().write("hello " + SessiondFilter.session(req).userId());
        }
      }), "/*");
      jetty.setHandler(app);
      jetty.start();
      try {
        guards(((ServerConnector) jetty.getConnectors()[0]).getLocalPort(), "/anything", "hello {user}");
        assertThat(client.stats().hits()).isPositive();
      } finally {
        jetty.stop();
      }
    }
  }

  @Test
  void aSpringBootAppIsGuardedByTwoProperties() throws Exception {
    try (ConfigurableApplicationContext app = new SpringApplicationBuilder(DemoApp.class).properties(
        "server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
        "sessiond.url=" + server.uri, "sessiond.api-key=" + server.key("verify")).run()) {
      int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
      guards(port, "/hello", "hello {user}");
      SessiondClient client = app.getBean(SessiondClient.class);
      assertThat(client.stats().hits()).isPositive();
      assertThat(app.getBeansOfType(SessiondClientMetrics.class)).hasSize(1);
    }
  }
}
