package dev.sessiond.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw bytes over a socket, for requests no polite client would send. Reads what the server
 * answers until it closes or goes quiet, and says which of the two happened.
 */
final class Raw {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** What came back: the bytes, and whether the server closed the connection before {@code quiet} passed. */
  record Answer(byte[] bytes, boolean closed) {
    String text() {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** The status of the first response, or -1 when nothing came back. */
    int status() {
      String t = text();
      String[] line = t.split("\r\n", 2)[0].split(" ");
      if (!t.startsWith("HTTP/1.") || line.length < 2 || !line[1].matches("\\d{3}")) {
        return -1;
      }
      return Integer.parseInt(line[1]);
    }

    /** The body of the first response (after the blank line), up to its Content-Length. */
    String body() {
      String t = text();
      int start = t.indexOf("\r\n\r\n");
      if (start < 0) {
        return "";
      }
      String head = t.substring(0, start).toLowerCase(java.util.Locale.ROOT);
      int at = head.indexOf("content-length:");
      String rest = t.substring(start + 4);
      if (at < 0) {
        return rest;
      }
      int end = head.indexOf("\r\n", at);
      int length = Integer.parseInt(head.substring(at + 15, end < 0 ? head.length() : end).trim());
      return new String(rest.substring(0, Math.min(length, rest.length())).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    String header(String name) {
      String t = text();
      int end = t.indexOf("\r\n\r\n");
      for (String line : t.substring(0, end < 0 ? t.length() : end).split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  private Raw() {}

  static Answer exchange(int port, String request, long quietMillis) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), quietMillis);
  }

  /** Sends {@code bytes} and reads until the server closes, or sends nothing for {@code quietMillis}. */
  static Answer exchange(int port, byte[] bytes, long quietMillis) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) quietMillis);
      try {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
      } catch (IOException e) {
        // the server may close before reading everything; what it answered still counts
      }
      return readUntilQuiet(socket.getInputStream());
    }
  }

  /**
   * As {@link #exchange}, but once the first response is complete (its headers and its
   * Content-Length of body) with the connection still open, asks {@code GET /health} on the same
   * connection: an answer means the server kept it open ({@code closed} false), a close means it
   * closed it. So a kept-alive answer is known at once, not after {@code quietMillis} of silence.
   * The answer's bytes are the first response's.
   */
  static Answer exchangeThenProbe(int port, String request, long quietMillis) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) quietMillis);
      try {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
      } catch (IOException e) {
        // the server may close before reading everything; what it answered still counts
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          int complete = completeResponseLength(out.toByteArray());
          if (complete > 0) {
            byte[] first = java.util.Arrays.copyOf(out.toByteArray(), complete);
            return new Answer(first, !servesAnother(socket, in));
          }
        }
        return new Answer(out.toByteArray(), true);
      } catch (SocketTimeoutException e) {
        return new Answer(out.toByteArray(), false);
      } catch (IOException e) {
        return new Answer(out.toByteArray(), true);
      }
    }
  }

  /** The length of the first response in {@code bytes} when it is complete by its Content-Length, else 0. */
  private static int completeResponseLength(byte[] bytes) {
    String t = new String(bytes, StandardCharsets.ISO_8859_1);
    int end = t.indexOf("\r\n\r\n");
    if (end < 0) {
      return 0;
    }
    String head = t.substring(0, end).toLowerCase(java.util.Locale.ROOT);
    int at = head.indexOf("\r\ncontent-length:");
    if (at < 0) {
      return 0;
    }
    int lineEnd = head.indexOf("\r\n", at + 2);
    int length = Integer.parseInt(head.substring(at + 17, lineEnd < 0 ? head.length() : lineEnd).trim());
    return bytes.length >= end + 4 + length ? end + 4 + length : 0;
  }

  /** Asks GET /health on the open connection: true when it is answered (the connection was kept). */
  private static boolean servesAnother(Socket socket, InputStream in) {
    try {
      socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      Answer next = readUntilQuiet(in);
      return next.status() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  static Answer readUntilQuiet(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
      }
      return new Answer(out.toByteArray(), true);
    } catch (SocketTimeoutException e) {
      return new Answer(out.toByteArray(), false);
    } catch (IOException e) {
      // a reset is a close too
      return new Answer(out.toByteArray(), true);
    }
  }

  /** A client WebSocket frame: masked unless told otherwise, with the given first-byte flags. */
  static byte[] frame(int opcode, byte[] payload, boolean fin, int rsv, boolean masked) {
    ByteBuffer b = ByteBuffer.allocate(payload.length + 14);
    b.put((byte) ((fin ? 0x80 : 0) | (rsv << 4) | opcode));
    int mask = masked ? 0x80 : 0;
    if (payload.length < 126) {
      b.put((byte) (mask | payload.length));
    } else if (payload.length < 65536) {
      b.put((byte) (mask | 126)).putShort((short) payload.length);
    } else {
      b.put((byte) (mask | 127)).putLong(payload.length);
    }
    byte[] key = new byte[4];
    if (masked) {
      RANDOM.nextBytes(key);
      b.put(key);
    }
    for (int i = 0; i < payload.length; i++) {
      b.put((byte) (payload[i] ^ key[i % 4]));
    }
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  static byte[] frame(int opcode, byte[] payload) {
    return frame(opcode, payload, true, 0, true);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** The server's frames in {@code bytes}: opcode, and for a close its code (or -1 without one). */
  record Frame(int opcode, int closeCode, byte[] payload) {}

  static List<Frame> frames(byte[] bytes) {
    List<Frame> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.remaining() >= 2) {
      int op = b.get() & 0x0f;
      long n = b.get() & 0x7f;
      if (n == 126) {
        if (b.remaining() < 2) break;
        n = b.getShort() & 0xffff;
      } else if (n == 127) {
        if (b.remaining() < 8) break;
        n = b.getLong();
      }
      if (n > b.remaining()) {
        break;
      }
      byte[] p = new byte[(int) n];
      b.get(p);
      out.add(new Frame(op, op == 8 && p.length >= 2 ? ((p[0] & 0xff) << 8) | (p[1] & 0xff) : -1, p));
    }
    return out;
  }

  /** An upgraded raw WebSocket to /api/ws; the bytes after the 101 head are kept for {@link #read}. */
  static final class Ws implements AutoCloseable {
    final Socket socket;
    final String head;
    private final byte[] early;

    Ws(int port, String token, String extraHeaders) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(("GET /api/ws?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      int end;
      while ((end = got.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n")) < 0) {
        int c = in.read();
        if (c < 0) {
          throw new IOException("closed during the handshake: " + got);
        }
        got.write(c);
      }
      head = got.toString(StandardCharsets.ISO_8859_1).substring(0, end);
      early = new byte[0];
      if (!head.startsWith("HTTP/1.1 101")) {
        throw new IOException("upgrade refused: " + head);
      }
    }

    void send(byte[] bytes) throws IOException {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
    }

    /** Reads until the server closes the TCP connection or is quiet for {@code quietMillis}. */
    Answer read(long quietMillis) throws IOException {
      socket.setSoTimeout((int) quietMillis);
      Answer a = readUntilQuiet(socket.getInputStream());
      return new Answer(concat(early, a.bytes()), a.closed());
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
