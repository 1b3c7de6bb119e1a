package dev.sessiond.server.http;

import static io.vertx.core.http.HttpMethod.GET;

import dev.sessiond.core.SessiondException;
import dev.sessiond.core.UserIds;
import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.events.EventQuery;
import dev.sessiond.server.events.EventFeed;
import dev.sessiond.server.limits.EventStreamLimits;
import dev.sessiond.server.limits.Permit;
import dev.sessiond.server.wire.EventData;
import io.netty.channel.Channel;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code GET /api/events} (admin): the event log, oldest first, a page after {@code ?after=};
 * {@code ?wait=} holds an empty answer until a matching newer entry exists (long poll);
 * {@code Accept: text/event-stream} streams it as Server-Sent Events from {@code ?after=} or
 * {@code Last-Event-ID}. Every wait is a callback from this node's {@link EventFeed}, never a
 * blocked thread; every page is read from the log by position, so nothing is skipped or sent twice.
 * A long poll or stream past {@link EventStreamLimits}' ceilings (in all, per caller) is refused
 * with a JSON 429; its place is held until its answer ends or its connection closes.
 */
public final class EventRoutes {

  public static final int MAX_WAIT_SECONDS = 60;
  static final long KEEPALIVE_MS = 15_000;

  /** The caller key of the static API token (a session's is its ID, which never looks like this). */
  private static final String API_TOKEN = "api token";

  private final EventLog log;
  private final EventFeed feed;
  private final EventStreamLimits limits;

  public EventRoutes(EventLog log, EventFeed feed, EventStreamLimits limits) {
    this.log = log;
    this.feed = feed;
    this.limits = limits;
  }

  public void mount(HttpApi api, Endpoints e) {
    api.route(GET, "/api/events", ctx -> Endpoints.onLoop(ctx, e.adminOf(ctx.request()), (caller, error) -> {
      if (error != null) {
        Errors.send(ctx, error);
        return;
      }
      try {
        String accept = ctx.request().getHeader("Accept");
        if (accept != null && accept.contains("text/event-stream")) {
          String last = ctx.request().getHeader("Last-Event-ID");
          EventQuery q = query(ctx, last != null && !last.isBlank() ? last.trim() : null);
          hold(ctx, caller);
          stream(ctx, q);
        } else {
          int wait = intParam(ctx, "wait", 0, 0, MAX_WAIT_SECONDS);
          EventQuery q = query(ctx, null);
          if (wait > 0) {
            hold(ctx, caller);
          }
          poll(ctx, q, System.nanoTime() + TimeUnit.SECONDS.toNanos(wait));
        }
      } catch (RuntimeException ex) {
        Errors.send(ctx, ex);
      }
    }));
  }

  /** Takes the caller's place for a held read (or throws the 429), given back when the answer ends or the connection closes. */
  private void hold(RoutingContext ctx, Caller caller) {
    Permit place = limits.take(caller.isApiToken() ? API_TOKEN : caller.session().id());
    Channel channel = ((HttpServerConnection) ctx.request().connection()).channelHandlerContext().channel();
    place.heldUntilClosed(channel);
    // The routing context's end handlers, not the response's one end handler, which the router's timing holds.
    ctx.addEndHandler(ended -> place.releaseFrom(channel));
  }

  private static EventQuery query(RoutingContext ctx, String lastEventId) {
    String after = lastEventId != null ? lastEventId : ctx.request().getParam("after");
    String userId = ctx.request().getParam("user_id");
    if (userId != null) {
      UserIds.require(userId);
    }
    String sessionId = ctx.request().getParam("session_id");
    String typeName = ctx.request().getParam("type");
    Event.Type type = null;
    if (typeName != null) {
      type = Event.Type.ofWire(typeName);
      if (type == null) {
        throw new SessiondException.Invalid("type must be session.created, session.revoked, session.expired or "
            + "session.disconnected");
      }
    }
    int limit = intParam(ctx, "limit", EventQuery.DEFAULT_LIMIT, 1, EventQuery.MAX_LIMIT);
    return new EventQuery(after == null || after.isEmpty() ? null : after, limit, userId, sessionId, type);
  }

  /** Answers the page after the query's position, or, while it is empty, waits for the feed until the deadline. */
  private void poll(RoutingContext ctx, EventQuery q, long deadline) {
    Context context = ctx.vertx().getOrCreateContext();
    AtomicBoolean woken = new AtomicBoolean();
    Runnable wake = () -> context.runOnContext(v -> {
      if (woken.compareAndSet(false, true)) {
        poll(ctx, q, deadline);
      }
    });
    boolean waiting = deadline - System.nanoTime() > 0;
    if (waiting) {
      feed.onNext(wake);
    }
    Endpoints.onLoop(ctx, log.read(q), (page, error) -> {
      if (ctx.response().ended() || ctx.response().closed()) {
        feed.cancel(wake);
        return;
      }
      long left = deadline - System.nanoTime();
      if (error != null || !page.isEmpty() || left <= 0) {
        feed.cancel(wake);
        if (error != null) {
          Errors.send(ctx, error);
        } else {
          ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(Json.encode(data(page)));
        }
        return;
      }
      long timer = ctx.vertx().setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)), t -> {
        if (woken.compareAndSet(false, true)) {
          feed.cancel(wake);
          poll(ctx, q, deadline);
        }
      });
      ctx.response().closeHandler(v -> {
        feed.cancel(wake);
        ctx.vertx().cancelTimer(timer);
      });
    });
  }

  /** Server-Sent Events: each entry as {@code id: <id>} and {@code data: <json>}, for as long as the client stays. */
  private void stream(RoutingContext ctx, EventQuery q) {
    Endpoints.onLoop(ctx, log.read(q), (page, error) -> {
      if (error != null) {
        Errors.send(ctx, error);
        return;
      }
      HttpServerResponse response = ctx.response().setStatusCode(200).setChunked(true)
          .putHeader("Content-Type", "text/event-stream")
          .putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no");
      response.write(": sessiond event log\n\n");
      Sse sse = new Sse(ctx, response, q);
      long keepalive = ctx.vertx().setPeriodic(KEEPALIVE_MS, t -> {
        if (!response.closed() && !response.writeQueueFull()) {
          response.write(": keepalive\n\n");
        }
      });
      response.closeHandler(v -> {
        ctx.vertx().cancelTimer(keepalive);
        sse.close();
      });
      sse.send(page);
      sse.next();
    });
  }

  /**
   * One event stream: its position and what wakes it. Runs on the request's event loop only;
   * the feed's wake is registered before each read, so an entry appended during a read wakes
   * the next one, and reads never overlap (a wake during a read marks it to read again).
   */
  private final class Sse {
    final RoutingContext ctx;
    final HttpServerResponse response;
    final Runnable wake;
    EventQuery q;
    boolean closed;
    boolean reading;
    boolean again;

    Sse(RoutingContext ctx, HttpServerResponse response, EventQuery q) {
      this.ctx = ctx;
      this.response = response;
      this.q = q;
      Context context = ctx.vertx().getOrCreateContext();
      this.wake = () -> context.runOnContext(v -> next());
    }

    void send(List<Event> page) {
      if (!page.isEmpty()) {
        Buffer out = Buffer.buffer();
        for (Event e : page) {
          out.appendString("id: ").appendString(e.id()).appendString("\ndata: ").appendBuffer(Json.encode(EventData.of(e)))
              .appendString("\n\n");
        }
        q = q.withAfter(page.get(page.size() - 1).id());
        response.write(out);
      }
      if (page.size() == q.limit() || again) {
        again = false;
        if (response.writeQueueFull()) {
          response.drainHandler(v -> next());
        } else {
          next();
        }
      }
    }

    void next() {
      if (closed) {
        return;
      }
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      feed.cancel(wake);
      feed.onNext(wake);
      Endpoints.onLoop(ctx, log.read(q), (page, error) -> {
        reading = false;
        if (closed) {
          return;
        }
        if (error != null) {
          closed = true;
          feed.cancel(wake);
          response.reset();
          return;
        }
        send(page);
      });
    }

    void close() {
      closed = true;
      feed.cancel(wake);
    }
  }

  private static List<EventData> data(List<Event> page) {
    return page.stream().map(EventData::of).toList();
  }

  private static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String value = ctx.request().getParam(name);
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new SessiondException.Invalid(name + " must be a whole number from " + min + " to " + max);
  }
}
