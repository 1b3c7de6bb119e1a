package dev.sessiond.server.webhooks;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;

/**
 * Signs webhook bodies as the Standard Webhooks specification says, with its reference library:
 * {@code v1,<base64 of HMAC-SHA256 over "id.timestamp.body">}, keyed by the bytes of a
 * {@code whsec_<base64>} secret. Thread-safe.
 */
public final class WebhookSigner {

  public static final String PREFIX = "whsec_";
  private final Webhook webhook;

  /** Invalid (IllegalArgumentException) unless {@code secret} is {@code whsec_} and base64 of at least 16 bytes. */
  public WebhookSigner(String secret) {
    if (secret == null || !secret.startsWith(PREFIX)) {
      throw new IllegalArgumentException("--webhook-secret must look like whsec_<base64>");
    }
    byte[] key;
    try {
      key = java.util.Base64.getDecoder().decode(secret.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--webhook-secret: the part after whsec_ is not base64", e);
    }
    if (key.length < 16) {
      throw new IllegalArgumentException("--webhook-secret must hold at least 16 bytes (24 base64 characters)");
    }
    this.webhook = new Webhook(key);
  }

  /** The value of the {@code webhook-signature} header. */
  public String sign(String id, long timestampSeconds, String body) {
    try {
      return webhook.sign(id, timestampSeconds, body);
    } catch (WebhookSigningException e) {
      throw new IllegalStateException("cannot sign a webhook", e);
    }
  }
}
