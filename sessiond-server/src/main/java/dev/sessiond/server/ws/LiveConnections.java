package dev.sessiond.server.ws;

import dev.sessiond.core.Session;
import dev.sessiond.core.SessionEvent;
import dev.sessiond.core.SessionEvent.ConnectionsChanged;
import dev.sessiond.core.SessionEvent.Reason;
import dev.sessiond.core.store.PresenceStore;
import dev.sessiond.server.http.Json;
import dev.sessiond.server.http.SessionViews;
import dev.sessiond.server.wire.Frames;
import dev.sessiond.server.wire.SessionState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open WebSocket connections of this node and the connection state of each session:
 * is_connected while one is open (and for a short grace after the last closes, so a page
 * reload does not flap), since when, and how many. Turns session events into pushes: a
 * revocation or disconnect closes the sockets it concerns; admins get the live feed of every
 * session, and a socket that asked for it ({@code ?feed=own}) the same feed for its own user's
 * sessions only (how a "your devices" view stays live without the admin right).
 * Thread-safe: each session's state is guarded by its own lock.
 */
public final class LiveConnections implements Consumer<SessionEvent> {

  private static final Logger LOG = LoggerFactory.getLogger(LiveConnections.class);
  private final Vertx vertx;
  private final Clock clock;
  private final Duration grace;
  private final String node;
  private final Consumer<SessionEvent> publish;
  private final PresenceStore presence;
  private final Duration heartbeat;
  private final Duration presenceTtl;
  private final ConcurrentHashMap<String, Live> bySession = new ConcurrentHashMap<>();
  /** What other nodes told us about their connections, less what a change applied here made old. */
  private final RemoteConnections remote;
  private final Set<Connection> admins = ConcurrentHashMap.newKeySet();
  /** Non-admin sockets that asked for their own user's feed, by user ID. */
  private final ConcurrentHashMap<String, Set<Connection>> ownFeeds = new ConcurrentHashMap<>();
  private volatile SessionViews views;

  /** One session's live connections and state. */
  private static final class Live {
    final String userId;
    /** Almost always one: a list, not a set (a set's table would be most of a socket's share). */
    final List<Connection> connections = new ArrayList<>(1);
    boolean connected;
    Instant connectedSince;
    Instant notConnectedSince;
    long graceTimer = -1;
    /** When the heartbeat last counted the open sockets as use of the session (System.nanoTime), or never. */
    long keptAliveAt;
    boolean keptAlive;

    Live(String userId) {
      this.userId = userId;
    }

    SessionState state() {
      return new SessionState(connected, connected, connectedSince, notConnectedSince, connections.size());
    }
  }

  /**
   * {@code node} names this process; {@code publish} tells everyone (other nodes too) of local
   * changes; {@code presence} keeps this node's states where other nodes read them, counting for
   * two {@code heartbeat}s after each refresh ({@link #syncPresence}, called every heartbeat), as
   * a silent socket does; {@code system/init} tells each socket the heartbeat.
   */
  public LiveConnections(Vertx vertx, Clock clock, Duration grace, String node, Consumer<SessionEvent> publish,
      PresenceStore presence, Duration heartbeat) {
    this.vertx = vertx;
    this.clock = clock;
    this.grace = grace;
    this.node = node;
    this.publish = publish;
    this.presence = presence;
    this.heartbeat = heartbeat;
    this.presenceTtl = heartbeat.multipliedBy(2);
    // Longer than any node takes to hear of a change under load, and than a dead node takes to stop counting.
    Duration bound = presenceTtl.multipliedBy(3);
    this.remote = new RemoteConnections(bound.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : bound);
  }

  /** Set once at wiring: how SessionData is built for the admin feed. */
  public void views(SessionViews sessionViews) {
    this.views = sessionViews;
  }

  /** Completes once the session's client is named, so that its init frame needs no parsing on an event loop. */
  public java.util.concurrent.CompletionStage<Void> ready(Session session) {
    return views.ready(List.of(session));
  }

  /** The state of a session's connections on every node. */
  public SessionState stateOf(String sessionId) {
    Live live = bySession.get(sessionId);
    SessionState local = SessionState.NEVER_CONNECTED;
    if (live != null) {
      synchronized (live) {
        local = live.state();
      }
    }
    java.util.Collection<ConnectionsChanged> others = remote.of(sessionId);
    if (others.isEmpty()) {
      return local;
    }
    boolean connected = local.isConnected();
    int count = local.connections();
    Instant since = local.isConnected() ? local.connectedSince() : null;
    Instant until = local.notConnectedSince();
    for (ConnectionsChanged o : others) {
      count += o.connections();
      if (o.connected()) {
        connected = true;
        since = since == null || (o.connectedSince() != null && o.connectedSince().isBefore(since)) ? o.connectedSince() : since;
      } else if (o.notConnectedSince() != null && (until == null || o.notConnectedSince().isAfter(until))) {
        until = o.notConnectedSince();
      }
    }
    return new SessionState(connected, connected, connected ? since : local.connectedSince(), connected ? null : until, count);
  }

  public long connectedSessions() {
    java.util.Set<String> ids = new HashSet<>(bySession.keySet());
    ids.addAll(remote.sessionIds());
    return ids.stream().filter(id -> stateOf(id).isConnected()).count();
  }

  public long connectedAdmins() {
    return admins.stream().map(Connection::sessionId).distinct().count();
  }

  public int openConnections() {
    return bySession.values().stream().mapToInt(l -> {
      synchronized (l) {
        return l.connections.size();
      }
    }).sum();
  }

  /** {@code s}: the connection's session, as read at the handshake. */
  void opened(Connection c, Session s) {
    Live live = bySession.computeIfAbsent(s.id(), id -> new Live(s.userId()));
    boolean flipped;
    SessionState state;
    synchronized (live) {
      live.connections.add(c);
      if (live.graceTimer >= 0) {
        vertx.cancelTimer(live.graceTimer);
        live.graceTimer = -1;
      }
      flipped = !live.connected;
      if (flipped) {
        live.connected = true;
        live.connectedSince = clock.instant();
      }
      state = live.state();
    }
    if (s.profile().isAdmin()) {
      admins.add(c);
    } else if (c.ownFeed()) {
      ownFeeds.compute(s.userId(), (uid, set) -> {
        Set<Connection> watchers = set == null ? ConcurrentHashMap.newKeySet() : set;
        watchers.add(c);
        return watchers;
      });
    }
    c.send("system/init", Frames.Init.of(views.of(s), heartbeat));
    publishState(s.id(), s.userId(), state);
  }

  void closed(Connection c) {
    admins.remove(c);
    ownFeeds.computeIfPresent(c.userId(), (uid, watchers) -> {
      watchers.remove(c);
      return watchers.isEmpty() ? null : watchers;
    });
    Live live = bySession.get(c.sessionId());
    if (live == null) {
      return;
    }
    SessionState state;
    synchronized (live) {
      if (!live.connections.remove(c)) {
        return;
      }
      if (live.connections.isEmpty()) {
        Instant closedAt = clock.instant();
        live.graceTimer = vertx.setTimer(Math.max(1, grace.toMillis()), id -> endGrace(c.sessionId(), live, closedAt));
      }
      state = live.state();
    }
    publishState(c.sessionId(), c.userId(), state);
  }

  private void endGrace(String sessionId, Live live, Instant closedAt) {
    SessionState state;
    synchronized (live) {
      if (live.graceTimer < 0 || !live.connections.isEmpty()) {
        return;
      }
      live.graceTimer = -1;
      live.connected = false;
      live.notConnectedSince = closedAt;
      state = live.state();
    }
    publishState(sessionId, live.userId, state);
  }

  /** Tells everyone this node's connections of a session changed (our own copy of it is ignored in accept). */
  private void publishState(String sessionId, String userId, SessionState local) {
    ConnectionsChanged state = new ConnectionsChanged(sessionId, userId, node, local.connections(),
        local.isConnected(), local.connectedSince(), local.notConnectedSince());
    presence.put(state, presenceTtl).exceptionally(e -> {
      LOG.debug("could not share the connection state of session {}: {}", sessionId, e.getMessage());
      return null;
    });
    publish.accept(state);
    feed("session/state", userId, new Frames.State(sessionId, userId, stateOf(sessionId)));
  }

  @Override
  public void accept(SessionEvent event) {
    if (event instanceof SessionEvent.ConnectionsChanged other) {
      if (!other.node().equals(node) && remote.heard(other)) {
        feed("session/state", other.userId(), new Frames.State(other.sessionId(), other.userId(), stateOf(other.sessionId())));
      }
    } else if (event instanceof SessionEvent.Created created) {
      SessionViews v = views;
      if (v != null && (!admins.isEmpty() || ownFeeds.containsKey(created.session().userId()))) {
        // Named off this thread when the agent is new (the frame may then trail a quick next event).
        v.ready(List.of(created.session()))
            .thenRun(() -> feed("session/created", created.session().userId(), v.of(created.session())));
      }
    } else if (event instanceof SessionEvent.Revoked r) {
      remote.ended(r.sessionId());
      closeAll(forget(r.sessionId()), CloseCodes.of(r.reason()), CloseCodes.message(r.reason()));
      feed("session/deleted", r.userId(), new Frames.Deleted(r.sessionId(), r.userId(), name(r.reason()), 1));
    } else if (event instanceof SessionEvent.UserRevoked u) {
      List<Connection> targets = new ArrayList<>();
      for (Map.Entry<String, Live> e : bySession.entrySet()) {
        if (e.getValue().userId.equals(u.userId())) {
          targets.addAll(forget(e.getKey()));
        }
      }
      closeAll(targets, CloseCodes.of(u.reason()), CloseCodes.message(u.reason()));
      remote.endedUser(u.userId());
      feed("session/deleted", u.userId(), new Frames.Deleted(null, u.userId(), name(u.reason()), u.count()));
    } else if (event instanceof SessionEvent.AllRevoked a) {
      List<Connection> targets = new ArrayList<>();
      for (String id : List.copyOf(bySession.keySet())) {
        targets.addAll(forget(id));
      }
      closeAll(targets, CloseCodes.of(a.reason()), CloseCodes.message(a.reason()));
      remote.endedAll();
      feed("session/deleted", null, new Frames.Deleted(null, null, name(a.reason()), a.count()));
    } else if (event instanceof SessionEvent.Disconnected d) {
      // Every node drops its sockets of the session: forget what they said, and count it off now.
      boolean elsewhere = remote.disconnected(d.sessionId());
      if (!disconnectNow(d.sessionId()) && elsewhere) {
        feed("session/state", d.userId(), new Frames.State(d.sessionId(), d.userId(), stateOf(d.sessionId())));
      }
    }
  }

  /** Tells every client the server is going away and closes with 1001. */
  public void shutdown() {
    List<Connection> all = new ArrayList<>();
    for (Live live : bySession.values()) {
      all.addAll(snapshot(live));
    }
    closeAll(all, CloseCodes.GOING_AWAY, "server shutting down");
  }

  /**
   * Pings every connection and sends it neko's heartbeat event; closes those that stopped
   * answering; returns the IDs of the sessions with a socket open whose use is due to be
   * counted again: not counted in the last {@code keepAliveEvery} (the store's own touch
   * granularity: looking a session up more often only to find it fresh costs a store call per
   * session per beat). One walk per interval for the whole node, then one task per event loop
   * that writes its sockets' heartbeats: the same encoded bytes for every socket, one write and
   * one flush each.
   */
  public Set<String> heartbeat(Duration timeout, Duration keepAliveEvery) {
    Set<String> ids = new HashSet<>();
    Map<EventExecutor, List<Connection>> byLoop = new HashMap<>();
    long walk = System.nanoTime();
    long every = keepAliveEvery.toNanos();
    for (Map.Entry<String, Live> e : bySession.entrySet()) {
      Live live = e.getValue();
      synchronized (live) {
        if (!live.connections.isEmpty() && (!live.keptAlive || walk - live.keptAliveAt >= every)) {
          live.keptAlive = true;
          live.keptAliveAt = walk;
          ids.add(e.getKey());
        }
        for (Connection c : live.connections) {
          byLoop.computeIfAbsent(c.loop(), l -> new ArrayList<>()).add(c);
        }
      }
    }
    long timeoutNanos = timeout.toNanos();
    byLoop.forEach((loop, connections) -> loop.execute(() -> {
      long now = System.nanoTime();
      for (Connection c : connections) {
        if (c.beat(now, timeoutNanos, HEARTBEAT_FRAMES)) {
          c.flush();
        }
      }
    }));
    return ids;
  }

  /** A ping with no payload, then neko's {@code system/heartbeat} text frame, encoded once by Netty's encoder. */
  private static final ByteBuf HEARTBEAT_FRAMES = encode(new PingWebSocketFrame(),
      new TextWebSocketFrame(Frames.HEARTBEAT));

  private static ByteBuf encode(WebSocketFrame... frames) {
    EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
    encoder.writeOutbound((Object[]) frames);
    // Direct memory: a socket writes it as it is, where a heap buffer is copied first on every write.
    ByteBuf bytes = Unpooled.directBuffer();
    for (ByteBuf b; (b = encoder.readOutbound()) != null; ) {
      bytes.writeBytes(b);
      b.release();
    }
    encoder.finishAndReleaseAll();
    return Unpooled.unreleasableBuffer(bytes);
  }

  /** Closes {@code connections} from one task per event loop rather than one per socket. */
  private static void closeAll(List<Connection> connections, short code, String message) {
    Map<EventExecutor, List<Connection>> byLoop = new HashMap<>();
    for (Connection c : connections) {
      byLoop.computeIfAbsent(c.loop(), l -> new ArrayList<>()).add(c);
    }
    byLoop.forEach((loop, onLoop) -> loop.execute(() -> {
      for (Connection c : onLoop) {
        c.closeOnLoop(code, message);
      }
    }));
  }

  /**
   * An admin's disconnect: the session counts as not connected at once, with no reconnect
   * grace (that is for a client's own reload), then its sockets close with 4001. False when
   * this node held nothing of the session.
   */
  private boolean disconnectNow(String sessionId) {
    Live live = bySession.get(sessionId);
    if (live == null) {
      return false;
    }
    List<Connection> targets;
    SessionState state;
    synchronized (live) {
      targets = new ArrayList<>(live.connections);
      if (targets.isEmpty() && !live.connected) {
        return false;
      }
      live.connections.clear();
      if (live.graceTimer >= 0) {
        vertx.cancelTimer(live.graceTimer);
        live.graceTimer = -1;
      }
      if (live.connected) {
        live.connected = false;
        live.notConnectedSince = clock.instant();
      }
      state = live.state();
    }
    publishState(sessionId, live.userId, state);
    // Already counted off above: closed(c) finds nothing left to remove.
    closeAll(targets, CloseCodes.DISCONNECTED, CloseCodes.message(Reason.DISCONNECTED));
    return true;
  }

  /** Forgets a session that is gone; returns its sockets, for the caller to close. */
  private List<Connection> forget(String sessionId) {
    Live live = bySession.remove(sessionId);
    if (live == null) {
      return List.of();
    }
    presence.remove(node, sessionId).exceptionally(e -> null);   // and it expires with the node's key anyway
    synchronized (live) {
      if (live.graceTimer >= 0) {
        vertx.cancelTimer(live.graceTimer);
      }
      return new ArrayList<>(live.connections);
    }
  }

  /**
   * Keeps this node's states counting for another ttl, then takes every other node's from the
   * presence store ({@link RemoteConnections#endSync}): a node that died stops counting. Runs at
   * each heartbeat, so a dead node stops counting within the ttl plus one heartbeat.
   */
  public CompletionStage<Void> syncPresence() {
    RemoteConnections.Sync sync = remote.beginSync();
    return presence.refresh(node, presenceTtl).thenCompose(v -> presence.live()).thenAccept(states ->
        remote.endSync(sync, states, node, clock.instant()).forEach((sessionId, userId) ->
            feed("session/state", userId, new Frames.State(sessionId, userId, stateOf(sessionId)))))
        .exceptionally(e -> {
          remote.abortSync(sync);
          LOG.debug("could not read other nodes' connection states: {}", e.getMessage());
          return null;
        });
  }

  /** Sends a feed frame about {@code userId}'s sessions (null: everyone's) to admins and that user's own feeds. */
  private void feed(String event, String userId, Object payload) {
    Set<Connection> own = userId == null ? null : ownFeeds.get(userId);
    if (admins.isEmpty() && own == null) {
      return;
    }
    ByteBuf frame = Connection.shared(Json.encode(new Frames.Frame(event, payload)));
    for (Connection admin : admins) {
      admin.send(frame);
    }
    if (own != null) {
      for (Connection c : own) {
        c.send(frame);
      }
    }
  }

  private static List<Connection> snapshot(Live live) {
    synchronized (live) {
      return new ArrayList<>(live.connections);
    }
  }

  private static String name(Reason reason) {
    return reason.name().toLowerCase(Locale.ROOT);
  }
}
