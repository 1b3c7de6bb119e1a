package dev.sessiond.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessiond.core.SessiondException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The counting behind every ceiling: never past one, back to zero once every place is given back, from many threads. */
class CeilingsTest {

  @Test
  void aRefusalSaysWhichCeilingAndCountsNothing() {
    WebSocketLimits limits = new WebSocketLimits(10, 3, 2);
    Permit a = limits.take("u", "s1");
    limits.take("u", "s1");
    assertThatThrownBy(() -> limits.take("u", "s1")).isInstanceOf(SessiondException.RateLimited.class)
        .hasMessageContaining("this session has 2 WebSockets open");
    limits.take("u", "s2");
    assertThatThrownBy(() -> limits.take("u", "s3")).hasMessageContaining("this user has 3 WebSockets open");
    assertThat(limits.inAll()).isEqualTo(3);
    assertThat(limits.ofUser("u")).isEqualTo(3);
    assertThat(limits.ofSession("s3")).isZero();
    a.release();
    a.release();
    assertThat(limits.inAll()).isEqualTo(2);
    assertThat(limits.ofSession("s1")).isEqualTo(1);
    limits.take("u", "s3");
  }

  @Test
  void zeroIsNoLimitButTheTotalIsStillCounted() {
    EventStreamLimits limits = new EventStreamLimits(0, 0);
    List<Permit> permits = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      permits.add(limits.take("caller"));
    }
    assertThat(limits.inAll()).isEqualTo(1000);
    assertThat(limits.of("caller")).isZero();
    permits.forEach(Permit::release);
    assertThat(limits.inAll()).isZero();
  }

  @Test
  void manyThreadsTakingAndGivingNeverPassACeilingAndEndAtZero() throws Exception {
    WebSocketLimits limits = new WebSocketLimits(40, 12, 5);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger worst = new AtomicInteger();
    ConcurrentLinkedQueue<String> broken = new ConcurrentLinkedQueue<>();
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        all.add(pool.submit(() -> {
          go.await();
          java.util.Random random = new java.util.Random(seed);
          List<Permit> mine = new ArrayList<>();
          for (int i = 0; i < 20_000; i++) {
            if (!mine.isEmpty() && random.nextBoolean()) {
              Permit p = mine.remove(random.nextInt(mine.size()));
              p.release();
              if (random.nextInt(4) == 0) {
                p.release();   // a second end of the same socket changes nothing
              }
            } else {
              String user = "u" + random.nextInt(4);
              try {
                mine.add(limits.take(user, user + "-s" + random.nextInt(3)));
              } catch (SessiondException.RateLimited full) {
                // past a ceiling: nothing was counted
              }
            }
            int now = limits.inAll();
            worst.accumulateAndGet(now, Math::max);
            for (int u = 0; u < 4; u++) {
              if (limits.ofUser("u" + u) > 12) {
                broken.add("user u" + u + " at " + limits.ofUser("u" + u));
              }
            }
          }
          mine.forEach(Permit::release);
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : all) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(broken).isEmpty();
    assertThat(worst.get()).isLessThanOrEqualTo(40);
    assertThat(limits.inAll()).isZero();
    for (int u = 0; u < 4; u++) {
      assertThat(limits.ofUser("u" + u)).isZero();
      for (int s = 0; s < 3; s++) {
        assertThat(limits.ofSession("u" + u + "-s" + s)).isZero();
      }
    }
  }
}
