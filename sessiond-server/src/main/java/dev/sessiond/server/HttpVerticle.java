package dev.sessiond.server;

import dev.sessiond.server.http.HttpApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * One HTTP server on one event loop. Main deploys one per core on the same port, and Vert.x
 * spreads connections across them.
 */
final class HttpVerticle extends VerticleBase {

  private final HttpServerOptions options;
  private final Router router;
  private volatile int port;

  HttpVerticle(HttpServerOptions options, Router router) {
    this.options = options;
    this.router = router;
  }

  int port() {
    return port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(options)
        .invalidRequestHandler(HttpApi::invalidRequest)
        .requestHandler(router)
        .listen()
        .onSuccess(server -> port = server.actualPort());
  }
}
