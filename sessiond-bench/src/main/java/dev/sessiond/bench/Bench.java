package dev.sessiond.bench;

import java.util.Arrays;

/** {@code java -jar sessiond-bench.jar <populate|ws|webhook-lag|oidc|jmh> ...}: the tools bench/run.sh drives. */
public final class Bench {

  private Bench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: sessiond-bench populate|ws|webhook-lag|oidc|jmh [args]");
      System.exit(2);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "populate" -> Populate.main(rest);
      case "ws" -> WsBench.main(rest);
      case "fsync" -> FsyncProbe.main(rest);
      case "webhook-lag" -> WebhookLagBench.main(rest);
      case "oidc" -> OidcBench.main(rest);
      case "jmh" -> org.openjdk.jmh.Main.main(rest);
      default -> {
        System.err.println("unknown command " + args[0]);
        System.exit(2);
      }
    }
  }
}
