package dev.sessiond.core.events;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the durable event log: what changed, when, to which session or user, and who
 * asked. {@code id} is opaque and orders entries in the log of the store that wrote it; a
 * reader resumes by passing the last ID it saw as {@link EventQuery#after}.
 *
 * @param sessionId the session concerned, null when the event stands for many
 * @param userId the user concerned, null when the event stands for everyone
 * @param count how many sessions one event stands for (clear-all, a user's revocation), else null
 * @param reason why a session ended ({@link Reasons}) for {@code session.revoked}; for
 *     {@code member.updated}, what changed (a JSON object of the changed profile fields and their
 *     new values); for {@code key.*}, the key's ID; null for other types
 */
public record Event(String id, Type type, Instant time, String sessionId, String userId, Integer count,
    String reason, Actor actor) {

  public Event {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(actor, "actor");
  }

  /** The kinds of event, with their names on the wire. */
  public enum Type {
    SESSION_CREATED("session.created"),
    SESSION_REVOKED("session.revoked"),
    SESSION_EXPIRED("session.expired"),
    SESSION_DISCONNECTED("session.disconnected"),
    /** The profile of every session of {@code userId} changed ({@code count} sessions): caches of it are stale. */
    SESSION_UPDATED("session.updated"),
    /** An admin's actions on members, for the audit trail: {@code userId} is the member. */
    MEMBER_CREATED("member.created"),
    MEMBER_UPDATED("member.updated"),
    MEMBER_DELETED("member.deleted"),
    MEMBER_PASSWORD_RESET("member.password_reset"),
    /** An API key made or deleted: {@code reason} is the key's ID. */
    KEY_CREATED("key.created"),
    KEY_DELETED("key.deleted");

    private final String wire;

    Type(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    /** True for the types that name a session or a user's sessions ({@code session.*}). */
    public boolean isSession() {
      return wire.startsWith("session.");
    }

    /** The type named {@code wire} ("session.revoked"), or null when there is none. */
    public static Type ofWire(String wire) {
      for (Type t : values()) {
        if (t.wire.equals(wire)) {
          return t;
        }
      }
      return null;
    }
  }

  /** A new event, not yet in a log (no ID), at {@code time}. */
  public static Event of(Type type, Instant time, String sessionId, String userId, Integer count, String reason,
      Actor actor) {
    return new Event(null, type, time, sessionId, userId, count, reason, actor);
  }

  /** This event with the ID the log gave it. */
  public Event withId(String newId) {
    return new Event(newId, type, time, sessionId, userId, count, reason, actor);
  }
}
