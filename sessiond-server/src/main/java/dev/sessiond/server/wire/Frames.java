package dev.sessiond.server.wire;

import dev.sessiond.core.Profile;
import java.util.List;
import java.util.Map;

/** WebSocket text frames: {@code {"event": "<name>", "payload": {...}}}. */
public final class Frames {

  private Frames() {}

  public record Frame(String event, Object payload) {}

  /** {@code system/heartbeat}, as neko sends it: page code sees it, so its client knows the socket is alive. */
  public static final String HEARTBEAT = "{\"event\":\"system/heartbeat\"}";

  /**
   * {@code system/init}: who this connection belongs to, plus the room fields neko's client
   * reads at init. sessiond is no media server: those carry neutral values (no host, no screen,
   * no video, every room setting off), and {@code sessions} holds only the connecting session.
   * {@code heartbeatInterval}: seconds between the server's heartbeats ({@code --ws-heartbeat}),
   * so that a client can tell a dead network by the silence (neko's client ignores it).
   */
  public record Init(
      String sessionId,
      String userId,
      Profile profile,
      ControlHost controlHost,
      ScreenSize screenSize,
      Map<String, SessionData> sessions,
      RoomSettings settings,
      boolean touchEvents,
      boolean screencastEnabled,
      WebRtc webrtc,
      double heartbeatInterval) {

    public static Init of(SessionData self, java.time.Duration heartbeat) {
      return new Init(self.id(), self.userId(), self.profile(), ControlHost.NONE, ScreenSize.NONE, Map.of(self.id(), self),
          RoomSettings.NEUTRAL, false, false, WebRtc.NONE, heartbeat.toMillis() / 1000.0);
    }
  }

  /** neko's ControlStatus: nobody holds control. */
  public record ControlHost(boolean hasHost) {
    static final ControlHost NONE = new ControlHost(false);
  }

  /** neko's ScreenConfiguration: no screen. */
  public record ScreenSize(int width, int height, int rate) {
    static final ScreenSize NONE = new ScreenSize(0, 0, 0);
  }

  /** neko's room Settings, all off. */
  public record RoomSettings(
      boolean privateMode,
      boolean lockedControls,
      boolean implicitHosting,
      boolean inactiveCursors,
      boolean mercifulReconnect,
      Map<String, Object> plugins) {
    static final RoomSettings NEUTRAL = new RoomSettings(false, false, false, false, false, Map.of());
  }

  /** neko's system/init {@code webrtc}: no video streams. */
  public record WebRtc(List<String> videos) {
    static final WebRtc NONE = new WebRtc(List.of());
  }

  /** {@code system/disconnect}: why the server is closing this connection. */
  public record Disconnect(String message) {}

  /** {@code session/deleted}: id absent when a whole user went, both absent when everyone did. */
  public record Deleted(String id, String userId, String reason, Integer count) {}

  /** {@code session/state}: a session's connections changed. */
  public record State(String id, String userId, SessionState state) {}
}
