package dev.sessiond.core.events;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The read side of the durable, ordered log of session changes. Entries are appended by the
 * store in the same transaction (or script) as the change they describe, so no acknowledged
 * change exists without its event. Every backend passes {@code EventLogContract}.
 */
public interface EventLog {

  /** Entries after {@code query.after()}, oldest first. Failures: {@code StoreUnavailable}. */
  CompletionStage<List<Event>> read(EventQuery query);

  /** Removes entries older than {@code before}; returns how many (may be approximate on Redis). */
  CompletionStage<Long> trim(Instant before);
}
