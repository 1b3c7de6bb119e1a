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
import dev.sessiond.core.keys.ApiKeys;
import dev.sessiond.core.keys.Scope;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>An API key with the {@code verify} scope reads it too, and sees only the {@code session.*}
 * entries (what a verifier's cache needs; the audit of members and keys is the admins'). A
 * stream's keep-alive comment comes every {@code ?keepalive=} seconds (1 to 15, default 15), so
 * that a follower can tell a quiet log from a lost link within a bound of its choosing; none comes
 * while this node cannot read its store's log ({@link EventFeed#following}). A
 * stream read with a key ends when the key is deleted: at once on every node that follows the
 * log, and at its next keep-alive at the latest (each checks that its key still exists).
 * {@code ?after=now} starts from the newest entry.
 */
public final class EventRoutes {

  public static final int MAX_WAIT_SECONDS = 60;
  static final int MAX_KEEPALIVE_SECONDS = 15;
  /** {@code ?after=now}: from the newest entry. */
  static final String NOW = "now";

  private final EventLog log;
  private final EventFeed feed;
  private final EventStreamLimits limits;
  private final ApiKeys keys;
  /** The open streams read with an API key, by key ID: closed when the key is deleted. */
  private final Map<String, Set<Runnable>> keyStreams = new ConcurrentHashMap<>();

  public EventRoutes(EventLog log, EventFeed feed, EventStreamLimits limits, ApiKeys keys) {
    this.log = log;
    this.feed = feed;
    this.limits = limits;
    this.keys = keys;
    feed.subscribe(e -> {
      if (e.type() == Event.Type.KEY_DELETED && e.reason() != null) {
        Set<Runnable> open = keyStreams.remove(e.reason());
        if (open != null) {
          open.forEach(Runnable::run);
        }
      }
    });
  }

  public void mount(HttpApi api, Endpoints e) {
    api.route(GET, "/api/events", ctx -> Endpoints.onLoop(ctx, e.scopedOf(ctx.request(), Scope.VERIFY), (caller, error) -> {
      if (error != null) {
        Errors.send(ctx, error);
        return;
      }
      try {
        String accept = ctx.request().getHeader("Accept");
        if (accept != null && accept.contains("text/event-stream")) {
          String last = ctx.request().getHeader("Last-Event-ID");
          EventQuery q = query(ctx, last != null && !last.isBlank() ? last.trim() : null);
          long keepalive = TimeUnit.SECONDS.toMillis(intParam(ctx, "keepalive", MAX_KEEPALIVE_SECONDS, 1, MAX_KEEPALIVE_SECONDS));
          hold(ctx, caller);
          Endpoints.onLoop(ctx, fromNow(q), (from, failed) -> {
            if (failed != null) {
              Errors.send(ctx, failed);
            } else {
              stream(ctx, from, caller, keepalive);
            }
          });
        } else {
          int wait = intParam(ctx, "wait", 0, 0, MAX_WAIT_SECONDS);
          EventQuery q = query(ctx, null);
          if (wait > 0) {
            hold(ctx, caller);
          }
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(wait);
          Endpoints.onLoop(ctx, fromNow(q), (from, failed) -> {
            if (failed != null) {
              Errors.send(ctx, failed);
            } else {
              poll(ctx, from, caller, deadline);
            }
          });
        }
      } catch (RuntimeException ex) {
        Errors.send(ctx, ex);
      }
    }));
  }

  /** Takes the caller's place for a held read (or throws the 429), given back when the answer ends or the connection closes. */
  private void hold(RoutingContext ctx, Caller caller) {
    Permit place = limits.take(caller.holder());
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
        throw new SessiondException.Invalid("type must be one of " + java.util.Arrays.stream(Event.Type.values())
            .map(Event.Type::wire).collect(java.util.stream.Collectors.joining(", ")));
      }
    }
    int limit = intParam(ctx, "limit", EventQuery.DEFAULT_LIMIT, 1, EventQuery.MAX_LIMIT);
    return new EventQuery(after == null || after.isEmpty() ? null : after, limit, userId, sessionId, type);
  }

  /** The query with {@code after=now} replaced by the newest entry's ID (none: from the start). */
  private CompletionStage<EventQuery> fromNow(EventQuery q) {
    if (!NOW.equals(q.after())) {
      return CompletableFuture.completedFuture(q);
    }
    return log.lastId().thenApply(last -> q.withAfter(last.orElse(null)));
  }

  /** What of {@code page} this caller may see: everything for an admin, the session entries for a verifier. */
  private static List<Event> visible(List<Event> page, Caller caller) {
    if (caller.isAdmin()) {
      return page;
    }
    return page.stream().filter(e -> e.type().isSession()).toList();
  }

  /** Answers the page after the query's position, or, while it is empty, waits for the feed until the deadline. */
  private void poll(RoutingContext ctx, EventQuery q, Caller caller, long deadline) {
    Context context = ctx.vertx().getOrCreateContext();
    AtomicBoolean woken = new AtomicBoolean();
    Runnable wake = () -> context.runOnContext(v -> {
      if (woken.compareAndSet(false, true)) {
        poll(ctx, q, caller, deadline);
      }
    });
    boolean waiting = deadline - System.nanoTime() > 0;
    if (waiting) {
      feed.onNext(wake);
    }
    Endpoints.onLoop(ctx, log.read(q), (read, error) -> {
      if (ctx.response().ended() || ctx.response().closed()) {
        feed.cancel(wake);
        return;
      }
      List<Event> page = error != null ? List.of() : visible(read, caller);
      if (error == null && page.isEmpty() && !read.isEmpty()) {
        // Entries this caller may not see: read on past them (no answer could name a position after them).
        feed.cancel(wake);
        poll(ctx, q.withAfter(read.get(read.size() - 1).id()), caller, deadline);
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
          poll(ctx, q, caller, deadline);
        }
      });
      ctx.response().closeHandler(v -> {
        feed.cancel(wake);
        ctx.vertx().cancelTimer(timer);
      });
    });
  }

  /** Server-Sent Events: each entry as {@code id: <id>} and {@code data: <json>}, for as long as the client stays. */
  private void stream(RoutingContext ctx, EventQuery q, Caller caller, long keepaliveMs) {
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
      Sse sse = new Sse(ctx, response, q, caller);
      Context context = ctx.vertx().getOrCreateContext();
      Runnable end = () -> context.runOnContext(v -> {
        sse.close();
        if (!response.ended() && !response.closed()) {
          response.end();
        }
      });
      String keyId = caller.key() != null ? caller.key().id() : null;
      if (keyId != null) {
        keyStreams.computeIfAbsent(keyId, k -> ConcurrentHashMap.newKeySet()).add(end);
      }
      long keepalive = ctx.vertx().setPeriodic(keepaliveMs, t -> {
        if (response.closed() || response.ended()) {
          return;
        }
        // No sign of life while this node cannot follow the log: a follower must not take a
        // blind node's keep-alive as "nothing happened".
        if (!response.writeQueueFull() && feed.following()) {
          response.write(": keepalive\n\n");
        }
        if (keyId != null) {
          keys.find(caller.key().keyHash()).whenComplete((found, e) -> {
            if (e == null && found.isEmpty()) {
              end.run();
            }
          });
        }
      });
      response.closeHandler(v -> {
        ctx.vertx().cancelTimer(keepalive);
        sse.close();
        if (keyId != null) {
          keyStreams.computeIfPresent(keyId, (k, open) -> {
            open.remove(end);
            return open.isEmpty() ? null : open;
          });
        }
      });
      ctx.addEndHandler(v -> ctx.vertx().cancelTimer(keepalive));
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
    final Caller caller;
    EventQuery q;
    boolean closed;
    boolean reading;
    boolean again;

    Sse(RoutingContext ctx, HttpServerResponse response, EventQuery q, Caller caller) {
      this.ctx = ctx;
      this.response = response;
      this.q = q;
      this.caller = caller;
      Context context = ctx.vertx().getOrCreateContext();
      this.wake = () -> context.runOnContext(v -> next());
    }

    void send(List<Event> page) {
      if (closed) {
        return;
      }
      if (!page.isEmpty()) {
        Buffer out = Buffer.buffer();
        for (Event e : visible(page, caller)) {
          out.appendString("id: ").appendString(e.id()).appendString("\ndata: ").appendBuffer(Json.encode(EventData.of(e)))
              .appendString("\n\n");
        }
        q = q.withAfter(page.get(page.size() - 1).id());
        if (out.length() > 0) {
          response.write(out);
        }
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
