package dev.sessiond.core.webhooks;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where each webhook URL's delivery stands and which node delivers it: a durable position in
 * the event log (the last event the URL acknowledged) and a lease that one node at a time holds
 * for the URL. A node delivers only while it holds the lease, and moves the position only while
 * it still holds it, so a URL's events are delivered in order by one node, and a dead node's
 * URLs are taken over from their position once its lease runs out. Every backend passes
 * {@code WebhookCursorStoreContract}. Failures: {@code StoreUnavailable}. Thread-safe.
 */
public interface WebhookCursorStore {

  /**
   * Takes {@code url}'s lease for {@code node} for {@code ttl} when it is free, run out or
   * already {@code node}'s (a renewal), and answers the URL's position; empty when another
   * node holds the lease.
   */
  CompletionStage<Optional<WebhookCursor>> lease(String url, String node, Duration ttl);

  /**
   * Records {@code position} as the URL's last delivered event if {@code node} still holds the
   * lease; false (and nothing written) when it does not.
   */
  CompletionStage<Boolean> advance(String url, String node, String position);

  /** Ends {@code node}'s lease on {@code url} so that another node may take it at once; a no-op otherwise. */
  CompletionStage<Void> release(String url, String node);
}
