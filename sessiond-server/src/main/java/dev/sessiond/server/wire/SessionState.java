package dev.sessiond.server.wire;

import java.time.Instant;

/** neko's SessionState: whether the session holds live connections, and since when. */
public record SessionState(
    boolean isConnected,
    boolean isWatching,
    Instant connectedSince,
    Instant notConnectedSince,
    int connections) {

  public static final SessionState NEVER_CONNECTED = new SessionState(false, false, null, null, 0);
}
