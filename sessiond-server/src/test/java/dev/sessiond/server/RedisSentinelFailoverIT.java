package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessiond.store.redis.RedisSentinelGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two sessiond nodes on a Sentinel-managed Redis (a master, two replicas, three Sentinels), under
 * concurrent creations, revocations and verifications, while the master is SIGKILLed: with
 * {@code --redis-wait-replicas 1} nothing acknowledged is lost or undone, no revoked token is
 * accepted meanwhile, and both nodes recover by themselves; without it, the loss is reported.
 */
class RedisSentinelFailoverIT {

  static final String AUTH = bearer(TestServer.API_TOKEN);
  static final int THREADS = 4;

  record Acked(String id, String token) {}

  /** What a run through a failover saw. */
  static final class Run {
    final ConcurrentLinkedQueue<Acked> live = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Acked> revoked = new ConcurrentLinkedQueue<>();
    final AtomicInteger revokedAccepted = new AtomicInteger();
    final AtomicInteger liveRefused = new AtomicInteger();
    final AtomicInteger unavailable = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicLong lastUnavailableRead = new AtomicLong();
    final AtomicLong lastUnavailableWrite = new AtomicLong();
    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger revocations = new AtomicInteger();
    volatile long killedAt;
    volatile long promotedAt;
    volatile long readyAAt;
    volatile long readyBAt;
  }

  @Test
  void withWaitForOneReplicaAFailoverLosesNothingAcknowledgedAndBothNodesRecover(@TempDir Path a, @TempDir Path b)
      throws Exception {
    try (RedisSentinelGroup redis = RedisSentinelGroup.start();
        ServerProcess nodeA = node(a, redis, "1");
        ServerProcess nodeB = node(b, redis, "1")) {
      Api apiA = nodeA.api();
      Api apiB = nodeB.api();
      // An API key deleted just before the kill stays deleted; one kept still works.
      JsonNode kept = adminKey(apiA, "kept");
      JsonNode deleted = adminKey(apiA, "deleted before the kill");
      Run run = throughFailover(redis, apiA, apiB, () -> assertThat(
          apiB.delete("/api/keys/" + deleted.get("id").asText(), "Authorization", AUTH).status()).isEqualTo(204));
      report("with --redis-wait-replicas 1", run, apiA, apiB);
      for (Api api : new Api[] {apiA, apiB}) {
        assertThat(api.get("/api/keys", "Authorization", bearer(deleted.get("key").asText())).status())
            .as("an API key deleted before the failover").isEqualTo(401);
        assertThat(api.get("/api/keys", "Authorization", bearer(kept.get("key").asText())).status()).isEqualTo(200);
      }

      assertThat(run.revokedAccepted).as("revoked tokens accepted during the failover").hasValue(0);
      assertThat(run.liveRefused).as("acknowledged sessions refused during the failover").hasValue(0);
      // At least 50 creations and 15 revocations were acknowledged (awaitProgress); a third of the
      // sessions are revoked again, and those whose revocation got a 503 are left out.
      assertThat(run.live).hasSizeGreaterThan(5);
      assertThat(run.revoked).hasSizeGreaterThan(5);
      for (Api api : new Api[] {apiA, apiB}) {
        assertThat(api.get("/ready").status()).isEqualTo(200);
        for (Acked s : run.live) {
          assertThat(api.get("/api/whoami", "Authorization", bearer(s.token())).status())
              .as("acknowledged session %s after the failover", s.id()).isEqualTo(200);
        }
        for (Acked s : run.revoked) {
          assertThat(api.get("/api/whoami", "Authorization", bearer(s.token())).status())
              .as("acknowledged revocation of %s after the failover", s.id()).isEqualTo(401);
        }
      }

      // A creation after the failover waits for a replica: the one left must first follow the new master.
      redis.awaitReplicasOnline(1, 60);
      JsonNode after = apiA.createSession("after-failover");
      WsClient onB = WsClient.connect(nodeB.port(), after.get("token").asText());
      onB.next("system/init");
      assertThat(apiA.delete("/sessions/after-failover", "Authorization", AUTH).status()).isEqualTo(200);
      assertThat(onB.awaitClose().code()).isEqualTo(4004);
    }
  }

  @Test
  void withoutWaitTheSameFailoverReportsWhatWasLost(@TempDir Path a, @TempDir Path b) throws Exception {
    try (RedisSentinelGroup redis = RedisSentinelGroup.start();
        ServerProcess nodeA = node(a, redis, "0");
        ServerProcess nodeB = node(b, redis, "0")) {
      Api apiA = nodeA.api();
      Api apiB = nodeB.api();
      Run run = throughFailover(redis, apiA, apiB, () -> { });
      report("without --redis-wait-replicas", run, apiA, apiB);
      assertThat(apiA.get("/ready").status()).isEqualTo(200);
      assertThat(apiB.get("/ready").status()).isEqualTo(200);
    }
  }

  private static JsonNode adminKey(Api api, String name) {
    Api.Res r = api.post("/api/keys", "{\"name\":" + Api.quote(name) + ",\"scopes\":[\"admin\"]}", "Authorization", AUTH);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private static ServerProcess node(Path dir, RedisSentinelGroup redis, String waitReplicas) throws Exception {
    return ServerProcess.serve(dir, "--store", "redis", "--redis-uri", redis.uri(), "--redis-wait-replicas", waitReplicas,
        "--ws-heartbeat", "1s");
  }

  /** Load on both nodes; {@code beforeKill}, then SIGKILL of the master; load goes on until both nodes are ready again, and a while more. */
  private static Run throughFailover(RedisSentinelGroup redis, Api a, Api b, Runnable beforeKill) throws Exception {
    Run run = new Run();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      Thread th = new Thread(() -> {
        try {
          load(thread, run, stop, a, b);
        } catch (Throwable e) {
          failures.add(e);
        }
      }, "failover-load-" + t);
      th.start();
      threads.add(th);
    }
    // Enough acknowledged changes first (the machine may be slow), then the kill.
    awaitProgress(run, 30, 10, failures);
    beforeKill.run();
    run.killedAt = System.nanoTime();
    int old = redis.killMaster();
    redis.awaitNewMaster(old, 60);
    run.promotedAt = System.nanoTime();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (run.readyAAt == 0 || run.readyBAt == 0) {
      assertThat(System.nanoTime()).as("both nodes ready again within 60 s of the promotion").isLessThan(deadline);
      if (run.readyAAt == 0 && a.get("/ready").status() == 200) {
        run.readyAAt = System.nanoTime();
      }
      if (run.readyBAt == 0 && b.get("/ready").status() == 200) {
        run.readyBAt = System.nanoTime();
      }
      Thread.sleep(20);
    }
    // Traffic goes on through the new master.
    awaitProgress(run, run.created.get() + 20, run.revocations.get() + 5, failures);
    stop.set(true);
    for (Thread th : threads) {
      th.join(60_000);
    }
    assertThat(failures).isEmpty();
    return run;
  }

  private static void awaitProgress(Run run, int created, int revocations, ConcurrentLinkedQueue<Throwable> failures)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (run.created.get() < created || run.revocations.get() < revocations) {
      assertThat(failures).isEmpty();
      assertThat(System.nanoTime()).as("load made progress within 60 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static void load(int thread, Run run, AtomicBoolean stop, Api a, Api b) throws InterruptedException {
    List<Acked> mine = new ArrayList<>();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; !stop.get(); i++) {
      Api here = (i & 1) == 0 ? a : b;
      Api there = here == a ? b : a;
      Api.Res created = here.post("/api/sessions", "{\"user_id\":\"load-" + thread + "-" + i + "\"}", "Authorization", AUTH);
      count(run, created.status(), true);
      if (created.status() == 201) {
        run.created.incrementAndGet();
        mine.add(new Acked(created.json().get("id").asText(), created.json().get("token").asText()));
      }
      if (i % 3 == 2 && !mine.isEmpty()) {
        Acked victim = mine.remove(random.nextInt(mine.size()));
        int status = there.delete("/api/sessions/" + victim.id(), "Authorization", AUTH).status();
        count(run, status, true);
        if (status == 204) {
          run.revocations.incrementAndGet();
          run.revoked.add(victim);
        }
        // otherwise the revocation is unacknowledged: the session may or may not live, and is not checked.
      }
      if (!run.revoked.isEmpty()) {
        Acked r = run.revoked.peek();
        int status = there.get("/api/whoami", "Authorization", bearer(r.token())).status();
        count(run, status, false);
        if (status == 200) {
          run.revokedAccepted.incrementAndGet();
        }
      }
      if (!mine.isEmpty()) {
        Acked s = mine.get(random.nextInt(mine.size()));
        int status = there.get("/api/whoami", "Authorization", bearer(s.token())).status();
        count(run, status, false);
        if (status == 401) {
          run.liveRefused.incrementAndGet();
        }
      }
      Thread.sleep(2);
    }
    run.live.addAll(mine);
  }

  private static void count(Run run, int status, boolean write) {
    run.requests.incrementAndGet();
    if (status == 503) {
      run.unavailable.incrementAndGet();
      (write ? run.lastUnavailableWrite : run.lastUnavailableRead).accumulateAndGet(System.nanoTime(), Math::max);
    }
  }

  /** Logs (does not assert) what the failover cost: 503 windows, and acknowledged changes lost or undone. */
  private static void report(String label, Run run, Api a, Api b) {
    int lost = 0;
    int undone = 0;
    for (Acked s : run.live) {
      if (a.get("/api/whoami", "Authorization", bearer(s.token())).status() != 200
          || b.get("/api/whoami", "Authorization", bearer(s.token())).status() != 200) {
        lost++;
      }
    }
    for (Acked s : run.revoked) {
      if (a.get("/api/whoami", "Authorization", bearer(s.token())).status() == 200
          || b.get("/api/whoami", "Authorization", bearer(s.token())).status() == 200) {
        undone++;
      }
    }
    System.out.printf("FAILOVER %s: %d requests, %d answered 503; %d acknowledged sessions, %d lost; "
            + "%d acknowledged revocations, %d undone; during the failover %d revoked tokens accepted, %d live refused; "
            + "promotion %d ms after the kill, nodes ready %d and %d ms after it; last 503 on a verify %d ms, "
            + "on a creation or revocation %d ms after the kill%n",
        label, run.requests.get(), run.unavailable.get(), run.live.size(), lost, run.revoked.size(), undone,
        run.revokedAccepted.get(), run.liveRefused.get(), ms(run.promotedAt - run.killedAt),
        ms(run.readyAAt - run.killedAt),
        ms(run.readyBAt - run.killedAt), since(run, run.lastUnavailableRead.get()), since(run, run.lastUnavailableWrite.get()));
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  private static long since(Run run, long at) {
    return at == 0 ? -1 : ms(at - run.killedAt);
  }
}
