package dev.sessiond.client.spring;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code sessiond.*}: where sessiond is ({@code sessiond.url}), the key with the verify scope
 * ({@code sessiond.api-key}), the cache's bounds, and which paths the filter guards.
 */
@ConfigurationProperties("sessiond")
public class SessiondProperties {

  private String url;
  private String apiKey;
  private int maxEntries = 100_000;
  private Duration maxAge = Duration.ofMinutes(10);
  private Duration feedLossBound = Duration.ofSeconds(10);
  private final Filter filter = new Filter();

  /** The servlet filter: on by default, for every path. */
  public static class Filter {
    private boolean enabled = true;
    private List<String> urlPatterns = List.of("/*");
    private int order = 0;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public List<String> getUrlPatterns() {
      return urlPatterns;
    }

    public void setUrlPatterns(List<String> urlPatterns) {
      this.urlPatterns = urlPatterns;
    }

    public int getOrder() {
      return order;
    }

    public void setOrder(int order) {
      this.order = order;
    }
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getApiKey() {
    return apiKey;
  }

  public void setApiKey(String apiKey) {
    this.apiKey = apiKey;
  }

  public int getMaxEntries() {
    return maxEntries;
  }

  public void setMaxEntries(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  public Duration getMaxAge() {
    return maxAge;
  }

  public void setMaxAge(Duration maxAge) {
    this.maxAge = maxAge;
  }

  public Duration getFeedLossBound() {
    return feedLossBound;
  }

  public void setFeedLossBound(Duration feedLossBound) {
    this.feedLossBound = feedLossBound;
  }

  public Filter getFilter() {
    return filter;
  }
}
