package dev.sessiond.server.webhooks;

import dev.sessiond.core.events.Actor;
import dev.sessiond.core.events.Event;
import dev.sessiond.core.events.EventLog;
import dev.sessiond.core.events.EventQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A small log in a list for testing delivery alone; IDs are positions from 1. */
final class ListEventLog implements EventLog {

  private final List<Event> events = new ArrayList<>();
  /** Events before this index are trimmed. */
  private int kept;

  synchronized Event append(String userId) {
    Event e = new Event(Integer.toString(events.size() + 1), Event.Type.SESSION_CREATED, Instant.now(),
        "s-" + (events.size() + 1), userId, null, null, Actor.API_TOKEN);
    events.add(e);
    return e;
  }

  synchronized List<String> ids() {
    return events.stream().map(Event::id).toList();
  }

  /** Trims the oldest {@code n} events. */
  synchronized void trimOldest(int n) {
    kept += n;
  }

  @Override
  public synchronized CompletionStage<List<Event>> read(EventQuery q) {
    int from = Math.max(kept, q.after() == null ? 0 : Integer.parseInt(q.after()));
    List<Event> out = new ArrayList<>();
    for (int i = from; i < events.size() && out.size() < q.limit(); i++) {
      out.add(events.get(i));
    }
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public CompletionStage<Long> trim(Instant before) {
    return CompletableFuture.completedFuture(0L);
  }
}
