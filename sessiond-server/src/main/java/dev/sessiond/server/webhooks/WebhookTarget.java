package dev.sessiond.server.webhooks;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A webhook URL as configured. It is named in logs by scheme, host, port and path only: a query
 * or user info may carry a secret.
 */
public record WebhookTarget(String url, URI uri) {

  /** IllegalArgumentException unless {@code url} is an absolute http or https URL. */
  public static WebhookTarget parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--webhook-url is not a URL: " + e.getReason());
    }
    if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
      throw new IllegalArgumentException("--webhook-url must be an absolute http:// or https:// URL");
    }
    return new WebhookTarget(url, uri);
  }

  @Override
  public String toString() {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }
}
