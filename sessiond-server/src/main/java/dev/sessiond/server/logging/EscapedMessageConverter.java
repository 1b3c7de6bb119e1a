package dev.sessiond.server.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %safeMsg} in logback.xml: the formatted message, arguments included, through {@link LogSafe}. */
public final class EscapedMessageConverter extends MessageConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return LogSafe.escape(super.convert(event));
  }
}
