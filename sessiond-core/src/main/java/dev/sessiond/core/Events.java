package dev.sessiond.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fan-out of {@link SessionEvent}s to listeners, in the publishing thread. A listener that
 * throws is logged and does not stop the others. Thread-safe.
 */
public final class Events {

  private static final Logger LOG = Logger.getLogger(Events.class.getName());
  private final List<Consumer<SessionEvent>> listeners = new CopyOnWriteArrayList<>();

  public void subscribe(Consumer<SessionEvent> listener) {
    listeners.add(listener);
  }

  public void publish(SessionEvent event) {
    for (Consumer<SessionEvent> listener : listeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "event listener failed on " + event.getClass().getSimpleName(), e);
      }
    }
  }
}
