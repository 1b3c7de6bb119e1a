package dev.sessiond.server.wire;

import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Event;
import java.time.Instant;

/**
 * An event of the log as JSON: the one mapping that {@code /api/events}, its Server-Sent Events
 * and the webhooks' bodies all use. Absent fields are left out.
 */
public record EventData(String id, String type, Instant time, String sessionId, String userId, Integer count,
    String reason, ActorData actor) {

  /** Who asked: {@code type} is session, api_token, member or system. */
  public record ActorData(String type, String userId, String sessionId) {
    public static ActorData of(Actor a) {
      return new ActorData(a.kind().wire(), a.userId(), a.sessionId());
    }
  }

  public static EventData of(Event e) {
    return new EventData(e.id(), e.type().wire(), e.time(), e.sessionId(), e.userId(), e.count(), e.reason(),
        ActorData.of(e.actor()));
  }
}
