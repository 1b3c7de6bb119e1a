package dev.sessiond.server.ws;

import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.events.EventQuery;
import dev.sessiond.server.wire.EventData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The event log over the WebSockets of admins who asked for it ({@code ?after=}): every entry as
 * a {@code log/event} frame (the same JSON as {@code GET /api/events}), in log order. A socket
 * opened with {@code ?after=<id>} first
 * gets every entry after that ID, read from the log, then the live ones, with no gap and no
 * duplicate: entries that arrive while it catches up wait in its buffer and are sent after the
 * catch-up, skipping those it already read. Thread-safe: each socket's state has its own lock.
 */
public final class AdminLog implements Consumer<Event> {

  private final EventLog log;
  private final Map<Connection, Position> sockets = new ConcurrentHashMap<>();

  private static final class Position {
    String last;
    boolean live;
    final List<Event> waiting = new ArrayList<>();
  }

  public AdminLog(EventLog log) {
    this.log = log;
  }

  /** An admin's socket opened; {@code after} (may be null: live entries only) is where it resumes. */
  void opened(Connection c, String after) {
    Position p = new Position();
    p.last = after;
    p.live = after == null;
    sockets.put(c, p);
    if (after != null) {
      catchUp(c, p);
    }
  }

  void closed(Connection c) {
    sockets.remove(c);
  }

  private void catchUp(Connection c, Position p) {
    String from;
    synchronized (p) {
      from = p.last;
    }
    log.read(EventQuery.after(from, EventQuery.MAX_LIMIT)).whenComplete((page, e) -> {
      if (!sockets.containsKey(c)) {
        return;
      }
      if (e != null) {
        c.close(CloseCodes.GOING_AWAY, "cannot read the event log now; reconnect with ?after=" + from);
        return;
      }
      synchronized (p) {
        for (Event event : page) {
          send(c, p, event);
        }
        if (page.size() == EventQuery.MAX_LIMIT) {
          // more to read before going live
        } else {
          for (Event event : p.waiting) {
            if (p.last == null || compare(event.id(), p.last) > 0) {
              send(c, p, event);
            }
          }
          p.waiting.clear();
          p.live = true;
          return;
        }
      }
      catchUp(c, p);
    });
  }

  @Override
  public void accept(Event event) {
    sockets.forEach((c, p) -> {
      synchronized (p) {
        if (p.live) {
          send(c, p, event);
        } else {
          p.waiting.add(event);
        }
      }
    });
  }

  private static void send(Connection c, Position p, Event event) {
    c.send("log/event", EventData.of(event));
    p.last = event.id();
  }

  /** Orders the IDs of one log: numbers (embedded, memory) or Stream IDs {@code <ms>-<seq>} (Redis). */
  static int compare(String a, String b) {
    String[] x = a.split("-");
    String[] y = b.split("-");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }
}
