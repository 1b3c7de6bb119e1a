package dev.sessiond.core.webhooks;

import java.util.Objects;

/**
 * A webhook URL's place in the event log.
 *
 * @param position the ID of the last event the URL acknowledged; null before its first delivery
 */
public record WebhookCursor(String url, String position) {

  public WebhookCursor {
    Objects.requireNonNull(url, "url");
  }
}
