package dev.sessiond.server;

import dev.sessiond.server.http.HttpApi;
import dev.sessiond.server.http.RequestGuard;
import dev.sessiond.server.http.VersionCheck;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP server on one event loop. Main deploys one per core on the same port, and Vert.x
 * spreads connections across them. What breaks a connection (a reset, bytes that are not HTTP)
 * is the client's doing: one DEBUG line, no stack trace.
 */
final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  private final HttpServerOptions options;
  private final Handler<HttpServerRequest> requests;
  /** What else a new connection gets (its timeouts). */
  private final Handler<HttpConnection> connections;
  private volatile int port;

  HttpVerticle(HttpServerOptions options, Handler<HttpServerRequest> requests, Handler<HttpConnection> connections) {
    this.options = options;
    this.requests = requests;
    this.connections = connections;
  }

  int port() {
    return port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(options)
        .invalidRequestHandler(VersionCheck.invalidRequestHandler(HttpApi::invalidRequest))
        .connectionHandler(c -> {
          VersionCheck.install(c);
          connections.handle(c);
        })
        .exceptionHandler(e -> LOG.debug("connection failed: {}", e.toString()))
        .requestHandler(new RequestGuard(requests))
        .listen()
        .onSuccess(server -> port = server.actualPort());
  }
}
