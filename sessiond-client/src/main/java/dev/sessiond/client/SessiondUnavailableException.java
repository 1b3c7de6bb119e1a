package dev.sessiond.client;

/**
 * sessiond could not be asked (unreachable, too slow, or answering 5xx) at a moment when the
 * client's cache could not be trusted either: no answer is given rather than an unsafe one. A
 * servlet filter answers 503 for it.
 */
public final class SessiondUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public SessiondUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
