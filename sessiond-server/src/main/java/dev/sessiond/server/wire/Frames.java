package dev.sessiond.server.wire;

import dev.sessiond.core.Profile;

/** WebSocket text frames: {@code {"event": "<name>", "payload": {...}}}. */
public final class Frames {

  private Frames() {}

  public record Frame(String event, Object payload) {}

  /** {@code system/init}: who this connection belongs to. */
  public record Init(String sessionId, String userId, Profile profile) {}

  /** {@code system/disconnect}: why the server is closing this connection. */
  public record Disconnect(String message) {}

  /** {@code session/deleted}: id absent when a whole user went, both absent when everyone did. */
  public record Deleted(String id, String userId, String reason, Integer count) {}

  /** {@code session/state}: a session's connections changed. */
  public record State(String id, String userId, SessionState state) {}
}
