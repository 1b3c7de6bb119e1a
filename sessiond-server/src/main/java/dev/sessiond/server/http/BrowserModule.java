package dev.sessiond.server.http;

import static io.vertx.core.http.HttpMethod.GET;

import dev.sessiond.server.cli.SessiondVersion;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The browser module (clients/js/sessiond.js, copied into the jar by the build) at
 * {@code /js/sessiond-<version>.js} and its types at {@code /js/sessiond-<version>.d.ts}. The
 * version is in the path, so an answer never changes: browsers and CDNs may keep it for a year.
 * Any origin may load it (a module script is fetched in CORS mode); it holds no secret.
 */
public final class BrowserModule {

  private final String version;
  private final Buffer module;
  private final Buffer types;

  /** Reads the files from the jar: at startup, never on an event loop. */
  public BrowserModule() {
    this.version = SessiondVersion.get();
    this.module = read("js/sessiond.js");
    this.types = read("js/sessiond.d.ts");
  }

  /** The path the module is served at, e.g. {@code /js/sessiond-1.2.0.js}. */
  public String path() {
    return "/js/sessiond-" + version + ".js";
  }

  public void mount(HttpApi api) {
    serve(api, path(), "text/javascript; charset=utf-8", module);
    serve(api, "/js/sessiond-" + version + ".d.ts", "text/plain; charset=utf-8", types);
  }

  private static void serve(HttpApi api, String path, String contentType, Buffer body) {
    api.route(GET, path, ctx -> ctx.response()
        .putHeader("Content-Type", contentType)
        .putHeader("Cache-Control", "public, max-age=31536000, immutable")
        .putHeader("Access-Control-Allow-Origin", "*")
        .putHeader("Cross-Origin-Resource-Policy", "cross-origin")
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(body));
  }

  private static Buffer read(String resource) {
    try (InputStream in = BrowserModule.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the jar (built without clients/js?)");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
