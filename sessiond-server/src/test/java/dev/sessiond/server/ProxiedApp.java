package dev.sessiond.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What the proxy tests put around sessiond: the small upstream app that echoes what it
 * receives (method, URI, headers, as JSON), the proxy configurations of docs/forward-auth with
 * this run's ports put in, and the proxy processes, started on free ports of 127.0.0.1.
 */
final class ProxiedApp {

  /** The addresses the configurations in docs/forward-auth name, replaced by this run's. */
  static final String DOC_SESSIOND = "127.0.0.1:9091";
  static final String DOC_APP = "127.0.0.1:3000";

  private ProxiedApp() {}

  static int freePort() {
    return dev.sessiond.store.redis.Ports.free();
  }

  static String config(String name) throws IOException {
    return Files.readString(Path.of("../docs/forward-auth", name));
  }

  /** The upstream: answers every request 200 with {"method", "uri", "headers": {lower-case name: [values]}}. */
  static HttpServer echo() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/", exchange -> {
      Map<String, List<String>> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
      byte[] body = Api.JSON.writeValueAsBytes(Map.of("method", exchange.getRequestMethod(),
          "uri", exchange.getRequestURI().toString(), "headers", headers));
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return server;
  }

  /** The header values the upstream saw under {@code name}. */
  static List<String> seen(JsonNode echo, String name) {
    JsonNode values = echo.path("headers").path(name.toLowerCase(Locale.ROOT));
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    values.forEach(v -> out.add(v.asText()));
    return out;
  }

  /** nginx with docs/forward-auth/nginx.conf inside a minimal main configuration whose files all live in {@code dir}. */
  static Process nginx(Path dir, int port, int sessiondPort, int appPort) throws IOException {
    Files.createDirectories(dir.resolve("tmp"));
    dir.toFile().setReadable(true, false);
    dir.toFile().setExecutable(true, false);
    dir.resolve("tmp").toFile().setWritable(true, false);
    String site = config("nginx.conf")
        .replace("listen 80;", "listen 127.0.0.1:" + port + ";")
        .replace(DOC_SESSIOND, "127.0.0.1:" + sessiondPort)
        .replace(DOC_APP, "127.0.0.1:" + appPort);
    Files.writeString(dir.resolve("app.conf"), site);
    String main = String.join("\n",
        "worker_processes 1;",
        "daemon off;",
        "pid " + dir.resolve("nginx.pid") + ";",
        "error_log " + dir.resolve("error.log") + " warn;",
        "events { worker_connections 256; }",
        "http {",
        "  access_log off;",
        "  client_body_temp_path " + dir.resolve("tmp/body") + ";",
        "  proxy_temp_path " + dir.resolve("tmp/proxy") + ";",
        "  fastcgi_temp_path " + dir.resolve("tmp/fastcgi") + ";",
        "  uwsgi_temp_path " + dir.resolve("tmp/uwsgi") + ";",
        "  scgi_temp_path " + dir.resolve("tmp/scgi") + ";",
        "  include " + dir.resolve("app.conf") + ";",
        "}", "");
    Files.writeString(dir.resolve("nginx.conf"), main);
    Process p = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
        "-e", dir.resolve("error.log").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
    awaitPort(p, port, dir.resolve("error.log"));
    return p;
  }

  /** Caddy with docs/forward-auth/Caddyfile, its site address this run's, admin endpoint and automatic HTTPS off. */
  static Process caddy(Path dir, int port, int sessiondPort, int appPort) throws IOException {
    String site = config("Caddyfile")
        .replace("app.example.com {", "http://127.0.0.1:" + port + " {")
        .replace(DOC_SESSIOND, "127.0.0.1:" + sessiondPort)
        .replace(DOC_APP, "127.0.0.1:" + appPort);
    Files.writeString(dir.resolve("Caddyfile"), "{\n\tadmin off\n\tauto_https off\n}\n\n" + site);
    ProcessBuilder b = new ProcessBuilder("caddy", "run", "--config", dir.resolve("Caddyfile").toString(), "--adapter", "caddyfile")
        .redirectErrorStream(true).redirectOutput(dir.resolve("caddy.out").toFile());
    b.environment().put("HOME", dir.toString());
    b.environment().put("XDG_DATA_HOME", dir.resolve("data").toString());
    b.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    Process p = b.start();
    awaitPort(p, port, dir.resolve("caddy.out"));
    return p;
  }

  private static void awaitPort(Process p, int port, Path log) throws IOException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      if (!p.isAlive()) {
        throw new IllegalStateException("proxy exited: " + Files.readString(log, StandardCharsets.UTF_8));
      }
      try {
        new Socket("127.0.0.1", port).close();
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
    stop(p);
    throw new IllegalStateException("proxy did not listen on " + port + ": " + Files.readString(log, StandardCharsets.UTF_8));
  }

  static void stop(Process p) {
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
