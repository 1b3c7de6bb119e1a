package dev.sessiond.core;

import java.time.Duration;

/**
 * The one tree of expected failures. The edge turns each kind into an HTTP status and a
 * {@code {"message": ...}} body in exactly one place; anything else is a bug.
 */
public abstract class SessiondException extends RuntimeException {

  protected SessiondException(String message) {
    super(message, null, false, false);
  }

  protected SessiondException(String message, Throwable cause) {
    super(message, cause, false, true);
  }

  /** Input that can never succeed as sent (400). */
  public static final class Invalid extends SessiondException {
    public Invalid(String message) { super(message); }
  }

  /** No valid credentials (401). */
  public static final class Unauthorized extends SessiondException {
    public Unauthorized(String message) { super(message); }
  }

  /** Valid credentials without the right (403). */
  public static final class Forbidden extends SessiondException {
    public Forbidden(String message) { super(message); }
  }

  /** The named thing does not exist (404). */
  public static final class NotFound extends SessiondException {
    public NotFound(String message) { super(message); }
  }

  /** The request collides with existing state, such as a taken username (409). */
  public static final class Conflict extends SessiondException {
    public Conflict(String message) { super(message); }
  }

  /** Too many attempts; try again after {@code retryAfter} (429). */
  public static final class RateLimited extends SessiondException {
    private final Duration retryAfter;

    public RateLimited(String message, Duration retryAfter) {
      super(message);
      this.retryAfter = retryAfter;
    }

    public Duration retryAfter() { return retryAfter; }
  }

  /** The store cannot be reached or failed to persist; nothing was acknowledged (503). */
  public static final class StoreUnavailable extends SessiondException {
    public StoreUnavailable(String message, Throwable cause) { super(message, cause); }
  }
}
