package dev.sessiond.store.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports on 127.0.0.1 for servers a test starts and names by port (redis-server, Sentinel,
 * nginx, a child sessiond). They are drawn below the kernel's ephemeral range
 * ({@code /proc/sys/net/ipv4/ip_local_port_range}, 32768–60999 by default): a port that
 * {@code bind(0)} hands out is an ephemeral one, and any outgoing connection on the machine may
 * take it between the test's check and the server's bind (CI once lost a Spring Boot peer so).
 * Below the range only another listener can, and the check below sees listeners.
 */
public final class Ports {

  private static final Set<Integer> given = new HashSet<>();

  private Ports() {}

  public static synchronized int free() {
    int low = 10_000;
    int high = ephemeralLow() - 1;
    for (int attempt = 0; attempt < 200 && high - low > 1_000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(low, high);
      if (!given.contains(port) && bindable(port)) {
        given.add(port);
        return port;
      }
    }
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  private static int ephemeralLow() {
    try {
      return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
