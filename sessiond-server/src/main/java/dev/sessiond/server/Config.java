package dev.sessiond.server;

import dev.sessiond.core.SessionPolicy;
import java.nio.file.Path;
import java.time.Duration;

/** Everything {@code sessiond serve} is told, already parsed. */
public record Config(
    String host,
    int port,
    StoreKind store,
    Path dataDir,
    String adminUser,
    String adminPassword,
    String apiToken,
    SessionPolicy policy,
    boolean secureCookies,
    boolean metricsPublic,
    Duration wsHeartbeat,
    Duration wsReconnectGrace,
    String redisUri,
    java.util.List<String> redisClusterUris,
    int redisWaitReplicas) {

  public enum StoreKind { EMBEDDED, MEMORY, REDIS }
}
