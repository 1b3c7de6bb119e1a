package dev.sessiond.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One raw HTTP/1.1 connection, for what the server holds or drops: a request that stays open
 * (an event stream, a long poll), bytes sent as slowly as an attacker likes, and whether and
 * when the server closed. Reads everything the server sends as text.
 */
final class HeldRequest implements AutoCloseable {

  final Socket socket;
  /** When the connection was asked for, before the server could have seen it. */
  final long openedAt = System.nanoTime();
  private final InputStream in;
  private final OutputStream out;
  private final StringBuilder text = new StringBuilder();
  private volatile long closedAt;
  /** Where the next response starts in the text. */
  private int nextResponse;

  private HeldRequest(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** A connection that has sent nothing yet. */
  static HeldRequest connect(int port) throws IOException {
    return new HeldRequest(port);
  }

  /** {@code GET path} with {@code headers} (name, value pairs), sent whole. */
  static HeldRequest get(int port, String path, String... headers) throws IOException {
    HeldRequest r = new HeldRequest(port);
    StringBuilder head = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    r.send(head.append("\r\n").toString());
    return r;
  }

  /** Sends {@code s}; false when the server has closed the connection already. */
  boolean send(String s) {
    try {
      out.write(s.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return true;
    } catch (IOException e) {
      noteClosed();
      return false;
    }
  }

  /** Reads what comes for up to {@code most}; true once the server has closed (or reset) the connection. */
  boolean readFor(Duration most) throws IOException {
    if (closedAt != 0) {
      return true;
    }
    long deadline = System.nanoTime() + most.toNanos();
    byte[] buf = new byte[8192];
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      socket.setSoTimeout((int) Math.max(1, Math.min(200, left / 1_000_000)));
      try {
        int n = in.read(buf);
        if (n < 0) {
          noteClosed();
          return true;
        }
        synchronized (text) {
          text.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
      } catch (SocketTimeoutException e) {
        // nothing yet: read on until the deadline
      } catch (IOException e) {
        noteClosed();
        return true;
      }
    }
  }

  /** Reads until the text so far contains {@code expected}; fails after {@code within} or when the server closes first. */
  String await(String expected, Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!text().contains(expected)) {
      if (closedAt != 0) {
        throw new AssertionError("the server closed before sending " + expected + "; it sent: " + text());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + expected + " within " + within + "; the server sent: " + text());
      }
      readFor(Duration.ofMillis(100));
    }
    return text();
  }

  /**
   * The next whole response (head and Content-Length body) on this keep-alive connection; fails
   * after {@code within}, or when the server closes first.
   */
  String nextResponse(Duration within) throws IOException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      String t = text();
      int headEnd = t.indexOf("\r\n\r\n", nextResponse);
      if (headEnd >= 0) {
        String head = t.substring(nextResponse, headEnd).toLowerCase(java.util.Locale.ROOT);
        int at = head.indexOf("content-length:");
        int length = at < 0 ? 0 : Integer.parseInt(head.substring(at + 15, head.indexOf('\n', at) < 0
            ? head.length() : head.indexOf('\n', at)).trim());
        if (t.length() >= headEnd + 4 + length) {
          String response = t.substring(nextResponse, headEnd + 4 + length);
          nextResponse = headEnd + 4 + length;
          return response;
        }
      }
      if (closedAt != 0) {
        throw new AssertionError("the server closed before a whole response; it sent: " + t);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no whole response within " + within + "; the server sent: " + t);
      }
      readFor(Duration.ofMillis(100));
    }
  }

  String text() {
    synchronized (text) {
      return text.toString();
    }
  }

  /** The status of the first response, or -1 when none came yet. */
  int status() {
    String t = text();
    if (!t.startsWith("HTTP/1.1 ") || t.length() < 12) {
      return -1;
    }
    return Integer.parseInt(t.substring(9, 12));
  }

  boolean closed() {
    return closedAt != 0;
  }

  /** From asking for the connection to seeing it closed. */
  Duration openFor() {
    if (closedAt == 0) {
      throw new AssertionError("the connection is still open");
    }
    return Duration.ofNanos(closedAt - openedAt);
  }

  private void noteClosed() {
    if (closedAt == 0) {
      closedAt = System.nanoTime();
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
