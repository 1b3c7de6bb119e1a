package dev.sessiond.client.servlet;

import dev.sessiond.client.SessiondClient;
import dev.sessiond.client.SessiondUnavailableException;
import dev.sessiond.client.VerifiedSession;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A Jakarta Servlet filter that lets a request through only with a live sessiond session: the
 * token from {@code Authorization: Bearer}, else from sessiond's cookie ({@code sessiond_session},
 * when sessiond and the app share a domain). The session is the request attribute
 * {@link #ATTRIBUTE} ({@link VerifiedSession}). Without one: 401 {@code {"message": ...}}; when
 * sessiond cannot be asked and the cache cannot be trusted: 503.
 */
public final class SessiondFilter implements Filter {

  /** The request attribute holding the {@link VerifiedSession}. */
  public static final String ATTRIBUTE = VerifiedSession.class.getName();
  public static final String COOKIE = "sessiond_session";

  private final SessiondClient client;

  public SessiondFilter(SessiondClient client) {
    this.client = client;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    HttpServletResponse response = (HttpServletResponse) res;
    String token = token(request);
    if (token == null) {
      refuse(response, 401, "authentication required");
      return;
    }
    Optional<VerifiedSession> session;
    try {
      session = client.verify(token);
    } catch (SessiondUnavailableException e) {
      refuse(response, 503, "sessions cannot be verified right now");
      return;
    }
    if (session.isEmpty()) {
      refuse(response, 401, "invalid or expired session");
      return;
    }
    request.setAttribute(ATTRIBUTE, session.get());
    chain.doFilter(req, res);
  }

  /** The session the filter let through, on a request it let through. */
  public static VerifiedSession session(ServletRequest request) {
    return (VerifiedSession) request.getAttribute(ATTRIBUTE);
  }

  private static String token(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    if (header != null) {
      return header.length() > 7 && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }
    Cookie[] cookies = request.getCookies();
    if (cookies != null) {
      for (Cookie c : cookies) {
        if (COOKIE.equals(c.getName())) {
          return c.getValue();
        }
      }
    }
    return null;
  }

  private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    if (status == 401) {
      response.setHeader("WWW-Authenticate", "Bearer");
    }
    // The messages are constants of this class: no user input to escape.
    response.getOutputStream().write(("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
  }
}
