package dev.sessiond.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay between browsers and the real server, for what a network does to a socket: lose
 * it ({@link #cut}), stop carrying the client's bytes so that the server's heartbeat times out
 * ({@link #mute}), go silent both ways ({@link #blackhole}), or end it with a close code the
 * server does not send ({@link #closeWith}).
 * Each applies to the connections open now; later ones relay normally.
 */
final class Relay implements AutoCloseable {

  private final ServerSocket listener;
  private final int upstreamPort;
  private final List<Pipe> pipes = new CopyOnWriteArrayList<>();

  Relay(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.listener = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "relay-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        Pipe p = new Pipe(client, server);
        pipes.add(p);
        p.start();
      } catch (IOException e) {
        // closed, or the server is down: the browser sees its connection fail
      }
    }
  }

  /** Drops every open connection without a close frame, as a lost network does (the browser sees 1006). */
  void cut() {
    for (Pipe p : pipes) {
      p.close();
    }
  }

  /** From now on the open connections carry nothing from the browser: no pong, no frame. */
  void mute() {
    for (Pipe p : pipes) {
      p.muted = true;
    }
  }

  /**
   * From now on the open connections carry nothing either way, and the browser's side stays open
   * whatever the server does: a network gone silent, which only the browser's own clock can tell.
   */
  void blackhole() {
    for (Pipe p : pipes) {
      p.dark = true;
    }
  }

  /** Sends the browser a close frame with {@code code} on every open connection, then drops it. */
  void closeWith(int code) {
    for (Pipe p : pipes) {
      p.closeWith(code);
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    cut();
  }

  private final class Pipe {
    final Socket client;
    final Socket server;
    volatile boolean muted;
    volatile boolean dark;

    Pipe(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void start() {
      pump(client, server, true);
      pump(server, client, false);
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[16384];
        try (InputStream in = from.getInputStream()) {
          OutputStream out = to.getOutputStream();
          for (int n; (n = in.read(buf)) >= 0; ) {
            // Muted, only the browser's answer to the server's close frame passes (a close frame,
            // opcode 8, in a read of its own): the server then ends the TCP connection at once
            // rather than after its closing timeout.
            if (dark || fromClient && muted && (buf[0] & 0x0f) != 8) {
              continue;
            }
            synchronized (to) {
              out.write(buf, 0, n);
              out.flush();
            }
          }
        } catch (IOException e) {
          // one side went away
        }
        if (dark && !fromClient) {
          closeQuietly(server);   // the browser hears nothing of it
          return;
        }
        close();
      }, "relay-pump");
      t.setDaemon(true);
      t.start();
    }

    void closeWith(int code) {
      try {
        synchronized (client) {
          client.getOutputStream().write(new byte[] {(byte) 0x88, 2, (byte) (code >> 8), (byte) code});
          client.getOutputStream().flush();
        }
      } catch (IOException e) {
        // already gone
      }
      close();
    }

    void close() {
      pipes.remove(this);
      closeQuietly(client);
      closeQuietly(server);
    }

    private static void closeQuietly(Socket s) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
