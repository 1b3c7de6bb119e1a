package dev.sessiond.server.http;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import ua_parser.OS;
import ua_parser.Parser;
import ua_parser.UserAgent;

/**
 * The readable client of a User-Agent ("Chrome 131 on Windows 10", "curl 8", "unknown
 * client"), by ua-parser's shared regexes: the one place sessiond names clients, for the API's
 * {@code client} field and so for the console. Loading the regexes takes about 0.2 s and 2 MB
 * once, on the parsing executor, so that it does not delay the server's start; a parse costs 0.3 to 3 ms (a browser's agent is matched only after many patterns of
 * bots and apps), so names are cached per User-Agent, at most {@link #MAX_CACHED} of them (the
 * cache is emptied when full: real traffic has few distinct agents), and routes {@link #prepare}
 * new ones on the {@code parsing} executor, off the event loops, before they render with
 * {@link #named}, which only reads the cache. Nothing else parses. Thread-safe.
 */
public final class ClientNames {

  static final int MAX_CACHED = 10_000;
  private static final String OTHER = "Other";
  private static final String UNKNOWN = "unknown client";

  private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

  private final ConcurrentHashMap<String, String> cache = new ConcurrentHashMap<>();
  private final Executor parsing;
  private final CompletableFuture<Parser> parser;

  public ClientNames(Executor parsing) {
    this.parsing = parsing;
    this.parser = CompletableFuture.supplyAsync(Parser::new, parsing);
  }

  /** Completes once every one of these agents is named; new ones are parsed on the parsing executor. */
  public CompletionStage<Void> prepare(Collection<String> userAgents) {
    List<String> missing = null;
    for (String ua : userAgents) {
      if (!isKnown(ua)) {
        missing = missing == null ? new ArrayList<>() : missing;
        missing.add(ua);
      }
    }
    if (missing == null) {
      return DONE;
    }
    List<String> parse = missing;
    return CompletableFuture.runAsync(() -> parse.forEach(this::nameOrParse), parsing);
  }

  /** As {@link #prepare(Collection)} for one agent, with nothing to allocate when it is known (the verify path). */
  public CompletionStage<Void> prepare(String userAgent) {
    return isKnown(userAgent) ? DONE : CompletableFuture.runAsync(() -> nameOrParse(userAgent), parsing);
  }

  /**
   * The name of an agent from the cache; never parses, so any thread may call it. An agent that
   * was not {@link #prepare prepared} (or left a full cache since) is "unknown client" this
   * once, and is named on the parsing executor for the next time.
   */
  public String named(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return UNKNOWN;
    }
    String name = cache.get(userAgent);
    if (name == null) {
      prepare(userAgent);
      return UNKNOWN;
    }
    return name;
  }

  private boolean isKnown(String userAgent) {
    return userAgent == null || userAgent.isBlank() || cache.containsKey(userAgent);
  }

  /** On the parsing executor only. */
  private void nameOrParse(String userAgent) {
    if (!cache.containsKey(userAgent)) {
      String name = parse(userAgent);
      if (cache.size() >= MAX_CACHED) {
        cache.clear();
      }
      cache.put(userAgent, name);
    }
  }

  private String parse(String userAgent) {
    Parser loaded = parser.join();
    UserAgent browser = loaded.parseUserAgent(userAgent);
    OS os = loaded.parseOS(userAgent);
    String b = OTHER.equals(browser.family) ? null : join(browser.family, browser.major);
    String o = OTHER.equals(os.family) ? null : join(os.family, os.major);
    if (b == null && o == null) {
      return UNKNOWN;
    }
    if (o == null) {
      return b;
    }
    return (b == null ? "unknown browser" : b) + " on " + o;
  }

  private static String join(String family, String major) {
    return major == null || major.isEmpty() ? family : family + " " + major;
  }
}
