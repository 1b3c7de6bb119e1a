package dev.sessiond.server.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits in front of the router and refuses, with a JSON 400, requests whose head the parser
 * accepted but that the router and the handlers cannot read: no {@code Host}, a request target
 * that is not a path, a {@code Host} that is not a host, a broken percent-escape in the path or the query. Decoding is done by
 * the libraries (Netty's path decoder, Vert.x's query decoder), once, here, so that no handler
 * meets a decoding exception later. Also gives every request an exception handler, so that a
 * client that breaks off mid-body or sends a malformed chunk is a DEBUG line, not an ERROR.
 */
public final class RequestGuard implements Handler<HttpServerRequest> {

  private static final Logger LOG = LoggerFactory.getLogger(RequestGuard.class);
  private final Handler<HttpServerRequest> next;

  public RequestGuard(Handler<HttpServerRequest> next) {
    this.next = next;
  }

  @Override
  public void handle(HttpServerRequest request) {
    request.exceptionHandler(e -> LOG.debug("request {} {} broke off: {}", request.method(), request.path(), e.toString()));
    String refusal = refusal(request);
    if (refusal == null) {
      next.handle(request);
      return;
    }
    LOG.debug("refused {} request: {}", request.method(), refusal);
    request.response().setStatusCode(400)
        .putHeader("Content-Type", "application/json")
        .end(Json.encode(new dev.sessiond.server.wire.Responses.ErrorMessage(refusal)));
  }

  /** Why the request cannot be served, or null when it can. */
  static String refusal(HttpServerRequest request) {
    if (request.version() != HttpVersion.HTTP_2) {
      if (request.getHeader(HttpHeaders.HOST) == null) {
        return "the Host header is required";
      }
      if (request.authority() == null) {
        return "the Host header is malformed";
      }
    }
    String path;
    try {
      path = request.path();
    } catch (RuntimeException e) {
      path = null;
    }
    if (path == null || !path.startsWith("/")) {
      return "the request target must be a path starting with /";
    }
    try {
      QueryStringDecoder.decodeComponent(path);
    } catch (IllegalArgumentException e) {
      return "the path has a malformed percent-escape";
    }
    try {
      if (request.query() != null) {
        request.params();
      }
    } catch (RuntimeException e) {
      return "the query string has a malformed percent-escape";
    }
    return null;
  }
}
