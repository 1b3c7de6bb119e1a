package dev.sessiond.server.wire;

import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.ProfileChanges;
import java.time.Instant;
import java.util.Map;

/**
 * An event of the log as JSON: the one mapping that {@code /api/events}, its Server-Sent Events
 * and the webhooks' bodies all use. Absent fields are left out. The log's one detail field
 * ({@link Event#reason()}) is {@code reason} for a revocation, {@code changes} for
 * {@code member.created} (from a new member's defaults) and {@code member.updated} and {@code key_id} for {@code key.*}.
 */
public record EventData(String id, String type, Instant time, String sessionId, String userId, Integer count,
    String reason, Map<String, Object> changes, String keyId, ActorData actor) {

  /** Who asked: {@code type} is session, api_token, api_key, member or system. */
  public record ActorData(String type, String userId, String sessionId, String keyId) {
    public static ActorData of(Actor a) {
      return a.kind() == Actor.Kind.API_KEY
          ? new ActorData(a.kind().wire(), null, null, a.keyId())
          : new ActorData(a.kind().wire(), a.userId(), a.sessionId(), null);
    }
  }

  public static EventData of(Event e) {
    String reason = e.reason();
    Map<String, Object> changes = null;
    String keyId = null;
    switch (e.type()) {
      case MEMBER_CREATED, MEMBER_UPDATED -> {
        changes = ProfileChanges.decode(reason);
        reason = null;
      }
      case KEY_CREATED, KEY_DELETED -> {
        keyId = reason;
        reason = null;
      }
      default -> { }
    }
    return new EventData(e.id(), e.type().wire(), e.time(), e.sessionId(), e.userId(), e.count(), reason, changes, keyId,
        ActorData.of(e.actor()));
  }
}
