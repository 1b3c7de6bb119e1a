package dev.sessiond.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Records the ERROR lines the in-process server logs, to show that a client's mistakes are not logged as ours. */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final List<String> errors = new CopyOnWriteArrayList<>();

  static LogCapture begin() {
    LogCapture capture = new LogCapture();
    capture.setName("it-capture");
    capture.start();
    root().addAppender(capture);
    return capture;
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
      IThrowableProxy t = event.getThrowableProxy();
      errors.add(event.getLoggerName() + " - " + event.getFormattedMessage()
          + (t == null ? "" : " / " + t.getClassName() + ": " + t.getMessage()));
    }
  }

  List<String> errors() {
    return List.copyOf(errors);
  }

  @Override
  public void close() {
    root().detachAppender(this);
    stop();
  }
}
