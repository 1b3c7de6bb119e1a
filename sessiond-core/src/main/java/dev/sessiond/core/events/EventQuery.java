package dev.sessiond.core.events;

import dev.sessiond.core.SessiondException;

/**
 * A read of the log: entries strictly after {@code after} (null: from the oldest kept), oldest
 * first, at most {@code limit}, only those matching every filter that is not null.
 */
public record EventQuery(String after, int limit, String userId, String sessionId, Event.Type type) {

  public static final int MAX_LIMIT = 1000;
  public static final int DEFAULT_LIMIT = 100;

  public EventQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new SessiondException.Invalid("limit must be between 1 and " + MAX_LIMIT);
    }
  }

  public static EventQuery after(String after, int limit) {
    return new EventQuery(after, limit, null, null, null);
  }

  /** True when {@code e} passes every filter of this query (its position is not looked at). */
  public boolean matches(Event e) {
    return (userId == null || userId.equals(e.userId()))
        && (sessionId == null || sessionId.equals(e.sessionId()))
        && (type == null || type == e.type());
  }

  /** The same filters and limit, after another position. */
  public EventQuery withAfter(String newAfter) {
    return new EventQuery(newAfter, limit, userId, sessionId, type);
  }
}
