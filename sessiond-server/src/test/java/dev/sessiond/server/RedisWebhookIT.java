package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessiond.server.webhooks.Webhooks;
import dev.sessiond.store.redis.RedisProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes on one Redis, one webhook URL: one node delivers; when it is killed, the other takes over. */
class RedisWebhookIT {

  @Test
  void eachEventIsDeliveredInOrderAndASurvivingNodeTakesOverFromAKilledOne(@TempDir Path dirA, @TempDir Path dirB)
      throws Exception {
    try (RedisProcess redis = RedisProcess.launch()) {
      deliveredInOrderAndTakenOver(List.of("--redis-uri", redis.uri()), EventIds::sessionEntries, dirA, dirB);
    }
  }

  /**
   * Two nodes on the store {@code storeArgs} name, one webhook URL: 20 sessions made on both are
   * delivered once each, first attempts in log order, by one node; after it is killed the other
   * delivers 20 more from where it stopped. {@code ids}: the log's entries as webhook-ids.
   */
  static void deliveredInOrderAndTakenOver(List<String> storeArgs, Function<Api, List<String>> ids, Path dirA, Path dirB)
      throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      List<String> args = new ArrayList<>(List.of("--store", "redis"));
      args.addAll(storeArgs);
      args.addAll(List.of("--webhook-url", receiver.url(), "--webhook-secret", WebhookReceiver.SECRET));
      ServerProcess a = ServerProcess.serve(dirA, args.toArray(String[]::new));
      ServerProcess b = ServerProcess.serve(dirB, args.toArray(String[]::new));
      try {
        for (int i = 0; i < 20; i++) {
          (i % 2 == 0 ? a : b).api().createSession("redis-hook-" + i);
        }
        List<String> before = ids.apply(a.api());
        receiver.await(r -> r.acceptedIds().size() >= before.size(), Duration.ofSeconds(20));
        assertThat(receiver.acceptedIds()).containsExactlyInAnyOrderElementsOf(before);
        receiver.assertFirstAttemptsInLogOrder(before, Webhooks.WINDOW);

        ServerProcess holder = a.outputText().contains("this node delivers") ? a : b;
        ServerProcess survivor = holder == a ? b : a;
        assertThat(survivor.outputText()).doesNotContain("this node delivers");
        holder.kill();
        for (int i = 0; i < 20; i++) {
          survivor.api().createSession("redis-hook-after-" + i);
        }
        List<String> all = ids.apply(survivor.api());
        receiver.await(r -> r.acceptedIds().size() >= all.size(), Duration.ofSeconds(40));
        assertThat(receiver.acceptedIds()).containsExactlyInAnyOrderElementsOf(all);
        receiver.assertFirstAttemptsInLogOrder(all, Webhooks.WINDOW);
        assertThat(survivor.outputText()).contains("this node delivers");
        assertThat(receiver.badSignatures()).isZero();
      } finally {
        a.close();
        b.close();
      }
    }
  }
}
