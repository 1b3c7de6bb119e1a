package dev.sessiond.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Live-connection benchmark against a running sessiond:
 * {@code ws <port> <apiToken> <tokensFile> <sockets> <rounds> <serverPid> [sourceAddresses] [heartbeatWindowSeconds]}.
 * Measures the time from an admin's disconnect call to the client seeing the close, alone and
 * with {@code sockets} other sockets open; the server heap per open socket (after GC); the
 * server's CPU with every socket open and idle (heartbeats only) against none open; and
 * {@code POST /sessions/clear} with every socket open (until the last close arrives).
 * Sockets come from {@code sourceAddresses} loopback addresses (127.0.0.1, 127.0.0.2, ...): one
 * address has about 28,000 ephemeral ports towards one server port.
 * Prints one result line per measurement, {@code key=value}.
 */
public final class WsBench {

  private final Vertx vertx = Vertx.vertx();
  /** One client per source address; sockets are spread over them in turn. */
  private final List<WebSocketClient> clients = new ArrayList<>();
  private int nextClient;
  private final HttpClient http = HttpClient.newHttpClient();
  private final int port;
  private final String apiToken;

  private WsBench(int port, String apiToken, int sourceAddresses) {
    this.port = port;
    this.apiToken = apiToken;
    for (int i = 1; i <= sourceAddresses; i++) {
      clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1_000_000)
          .setConnectTimeout(30_000).setLocalAddress("127.0.0." + i)));
    }
  }

  public static void main(String[] args) throws Exception {
    if (args[0].equals("cross")) {
      cross(args);
      return;
    }
    if (args[0].equals("churn")) {
      churn(args);
      return;
    }
    int port = Integer.parseInt(args[0]);
    List<String[]> tokens = Files.readAllLines(Path.of(args[2])).stream().map(l -> l.split(" ")).toList();
    int sockets = Integer.parseInt(args[3]);
    int rounds = Integer.parseInt(args[4]);
    long pid = Long.parseLong(args[5]);
    int sources = args.length > 6 ? Integer.parseInt(args[6]) : 1;
    int heartbeatWindow = args.length > 7 ? Integer.parseInt(args[7]) : 0;
    WsBench bench = new WsBench(port, args[1], sources);
    try {
      bench.run(tokens, sockets, rounds, pid, heartbeatWindow);
    } finally {
      bench.vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private void run(List<String[]> tokens, int sockets, int rounds, long pid, int heartbeatWindow) throws Exception {
    String[] probe = tokens.get(0);
    disconnectLatency("alone", probe, rounds);
    long heapBefore = heapAfterGc(pid);
    java.util.Map<String, Long> classesBefore = classHistogram(pid);
    double idle = heartbeatWindow > 0 ? coreShare(pid, heartbeatWindow) : 0;
    long opening = System.nanoTime();
    List<Opened> open = openAll(tokens.subList(1, sockets + 1));
    double openSeconds = (System.nanoTime() - opening) / 1e9;
    long heapAfter = heapAfterGc(pid);
    // Where the heap per socket goes: the classes that grew most, per socket (jcmd's class histogram).
    java.util.Map<String, Long> classesAfter = classHistogram(pid);
    StringBuilder top = new StringBuilder();
    classesAfter.entrySet().stream()
        .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - classesBefore.getOrDefault(e.getKey(), 0L)))
        .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
        .forEach(e -> top.append(top.length() == 0 ? "" : ",").append(e.getKey().replace(' ', '_'))
            .append(':').append(e.getValue() / Math.max(1, sockets)));
    System.out.printf("ws.classes sockets=%d top=%s%n", sockets, top);
    System.out.printf("ws.open sockets=%d heap_per_socket_bytes=%d opened_per_s=%.0f%n", open.size(),
        (heapAfter - heapBefore) / open.size(), open.size() / openSeconds);
    if (heartbeatWindow > 0) {
      // The first window after opening pays for compiling the heartbeat's code (the JIT's threads took
      // about two thirds of the server's CPU in it, by /proc/<pid>/task): measured, reported, not counted.
      double warmup = coreShare(pid, heartbeatWindow);
      long[] before = cpuTicksSplit(pid);
      double busy = coreShare(pid, heartbeatWindow);
      long[] after = cpuTicksSplit(pid);
      double kernel = (double) (after[1] - before[1]) / Math.max(1, (after[0] - before[0]) + (after[1] - before[1]));
      System.out.printf("ws.heartbeat sockets=%d window_s=%d open_pct=%.2f idle_pct=%.2f warmup_pct=%.2f system_share_pct=%.1f%n",
          open.size(), heartbeatWindow, busy * 100, idle * 100, warmup * 100, kernel * 100);
    }
    disconnectLatency("with_" + open.size() + "_open", probe, rounds);
    Opened last = connect(probe[1]).get(30, TimeUnit.SECONDS);
    long start = System.nanoTime();
    String body = post("/sessions/clear");
    long answered = System.nanoTime();
    for (Opened o : open) {
      o.closed.get(60, TimeUnit.SECONDS);
    }
    last.closed.get(60, TimeUnit.SECONDS);
    System.out.printf("ws.clear sockets=%d http_ms=%.1f all_closed_ms=%.1f answer=%s%n", open.size() + 1,
        (answered - start) / 1e6, (System.nanoTime() - start) / 1e6, body.replace(" ", ""));
  }

  /**
   * {@code ws cross <portA> <portB> <apiToken> <tokensFile> <rounds>}: the socket is held by
   * node B, the disconnect is asked of node A.
   */
  private static void cross(String[] args) throws Exception {
    int portA = Integer.parseInt(args[1]);
    int portB = Integer.parseInt(args[2]);
    String[] probe = Files.readAllLines(Path.of(args[4])).get(0).split(" ");
    WsBench onA = new WsBench(portA, args[3], 1);
    WsBench onB = new WsBench(portB, args[3], 1);
    try {
      int rounds = Integer.parseInt(args[5]);
      long[] nanos = new long[rounds];
      for (int i = -Math.min(20, rounds); i < rounds; i++) {
        Opened o = onB.connect(probe[1]).get(30, TimeUnit.SECONDS);
        long start = System.nanoTime();
        onA.post("/api/sessions/" + probe[0] + "/disconnect");
        short code = o.closed.get(30, TimeUnit.SECONDS);
        if (code != 4001) {
          throw new IllegalStateException("expected close 4001, got " + code);
        }
        if (i >= 0) {
          nanos[i] = System.nanoTime() - start;
        }
      }
      Arrays.sort(nanos);
      System.out.printf("ws.cross rounds=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f%n", rounds, nanos[rounds / 2] / 1e6,
          nanos[Math.min(rounds - 1, (int) Math.ceil(rounds * 0.99) - 1)] / 1e6, nanos[rounds - 1] / 1e6);
    } finally {
      onA.vertx.close().await(10, TimeUnit.SECONDS);
      onB.vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * {@code ws churn <port> <apiToken> <tokensFile> <sockets> <seconds> <perSecond> <sourceAddresses>}: keeps
   * {@code sockets} sockets open for {@code seconds}, closing {@code perSecond} of them a second and
   * opening them again. An error is a failed connect or a close the client did not ask for.
   */
  private static void churn(String[] args) throws Exception {
    int port = Integer.parseInt(args[1]);
    List<String[]> tokens = Files.readAllLines(Path.of(args[3])).stream().map(l -> l.split(" ")).toList();
    int sockets = Integer.parseInt(args[4]);
    long seconds = Long.parseLong(args[5]);
    int perSecond = Integer.parseInt(args[6]);
    WsBench bench = new WsBench(port, args[2], Integer.parseInt(args[7]));
    java.util.concurrent.atomic.AtomicLong errors = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong reconnects = new java.util.concurrent.atomic.AtomicLong();
    // The soak stops this process when it is done: say what happened on the way out too.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.printf(
        "ws.churn sockets=%d reconnects=%d errors=%d%n", sockets, reconnects.get(), errors.get())));
    List<Opened> open = new ArrayList<>(bench.openAll(tokens.subList(0, sockets)));
    java.util.Random random = new java.util.Random();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      long tick = System.nanoTime();
      for (int i = 0; i < perSecond; i++) {
        int at = random.nextInt(open.size());
        Opened o = open.get(at);
        if (o.closed().isDone()) {
          errors.incrementAndGet();   // closed by the server: nobody here asked for that
        } else {
          o.ws().close();
          o.closed().get(30, TimeUnit.SECONDS);
        }
        try {
          open.set(at, bench.connect(tokens.get(at)[1]).get(30, TimeUnit.SECONDS));
          reconnects.incrementAndGet();
        } catch (Exception e) {
          errors.incrementAndGet();
        }
      }
      long left = 1_000_000_000L - (System.nanoTime() - tick);
      if (left > 0) {
        Thread.sleep(left / 1_000_000);
      }
    }
    System.exit(0);
  }

  private record Opened(WebSocket ws, CompletableFuture<Short> closed) {}

  private CompletableFuture<Opened> connect(String token) {
    CompletableFuture<Opened> ready = new CompletableFuture<>();
    CompletableFuture<Short> closed = new CompletableFuture<>();
    // Handlers before connecting: system/init follows the handshake at once and must not be missed.
    ClientWebSocket ws = clients.get(nextClient++ % clients.size()).webSocket();
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    ws.textMessageHandler(text -> {
      if (!ready.isDone() && text.contains("system/init")) {
        ready.complete(new Opened(ws, closed));
      }
    });
    ws.connect(port, "127.0.0.1", "/api/ws?token=" + token).onFailure(ready::completeExceptionally);
    return ready;
  }

  private List<Opened> openAll(List<String[]> tokens) throws Exception {
    Semaphore inFlight = new Semaphore(200);
    List<CompletableFuture<Opened>> all = new ArrayList<>();
    for (String[] t : tokens) {
      inFlight.acquire();
      CompletableFuture<Opened> c = connect(t[1]);
      c.whenComplete((o, e) -> inFlight.release());
      all.add(c);
    }
    List<Opened> out = new ArrayList<>();
    for (CompletableFuture<Opened> c : all) {
      out.add(c.get(60, TimeUnit.SECONDS));
    }
    return out;
  }

  private void disconnectLatency(String label, String[] probe, int rounds) throws Exception {
    long[] nanos = new long[rounds];
    for (int i = -Math.min(20, rounds); i < rounds; i++) { // negative rounds warm up and are not counted
      Opened o = connect(probe[1]).get(30, TimeUnit.SECONDS);
      long start = System.nanoTime();
      post("/api/sessions/" + probe[0] + "/disconnect");
      short code = o.closed.get(30, TimeUnit.SECONDS);
      if (code != 4001) {
        throw new IllegalStateException("expected close 4001, got " + code);
      }
      if (i >= 0) {
        nanos[i] = System.nanoTime() - start;
      }
    }
    Arrays.sort(nanos);
    System.out.printf("ws.disconnect %s rounds=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f%n", label, rounds,
        nanos[rounds / 2] / 1e6, nanos[Math.min(rounds - 1, (int) Math.ceil(rounds * 0.99) - 1)] / 1e6,
        nanos[rounds - 1] / 1e6);
  }

  private String post(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + apiToken).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(path + " answered " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  /** Bytes per class name from {@code jcmd <pid> GC.class_histogram} (which collects first). */
  static java.util.Map<String, Long> classHistogram(long pid) throws Exception {
    Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor();
    java.util.Map<String, Long> bytes = new java.util.HashMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":") && f[1].matches("\\d+")) {
        bytes.merge(f[3].replaceAll("^(\\[L)?([\\w$]+\\.)+", "$1"), Long.parseLong(f[2]), Long::sum);   // simple names
      }
    }
    return bytes;
  }

  /** The share of one core the process used over the next {@code seconds} (user + system, from /proc). */
  static double coreShare(long pid, int seconds) throws Exception {
    long before = cpuTicks(pid);
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long ticks = cpuTicks(pid) - before;
    return ticks / CLOCK_TICKS / ((System.nanoTime() - start) / 1e9);
  }

  /** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these. */
  private static final double CLOCK_TICKS = 100.0;

  /** utime + stime of a process: fields 14 and 15 of /proc/<pid>/stat, counted after the command name. */
  static long cpuTicks(long pid) throws Exception {
    long[] split = cpuTicksSplit(pid);
    return split[0] + split[1];
  }

  /** {utime, stime} of a process, in clock ticks. */
  static long[] cpuTicksSplit(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
  }

  /** The server's used heap after two full GCs, from jcmd and its /metrics. */
  private long heapAfterGc(long pid) throws Exception {
    for (int i = 0; i < 2; i++) {
      Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor();
    }
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .header("Authorization", "Bearer " + apiToken).build(), HttpResponse.BodyHandlers.ofString());
    return heapUsed(r.body());
  }

  static long heapUsed(String metrics) {
    double sum = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return (long) sum;
  }

}
