package dev.sessiond.client.spring;

import dev.sessiond.client.SessiondClient;
import dev.sessiond.client.micrometer.SessiondClientMetrics;
import dev.sessiond.client.servlet.SessiondFilter;
import java.net.URI;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot: with {@code sessiond.url} and {@code sessiond.api-key} set, a {@link SessiondClient}
 * bean (closed with the context), the {@link SessiondFilter} on {@code sessiond.filter.url-patterns}
 * in a servlet web application (unless {@code sessiond.filter.enabled=false}), and the client's
 * metrics as a {@code MeterBinder} when Micrometer is there (Spring Boot's actuator binds it).
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "sessiond", name = "url")
@EnableConfigurationProperties(SessiondProperties.class)
public class SessiondAutoConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public SessiondClient sessiondClient(SessiondProperties p) {
    if (p.getApiKey() == null || p.getApiKey().isBlank()) {
      throw new IllegalStateException("sessiond.api-key is required with sessiond.url: a key with the verify scope "
          + "(POST /api/keys {\"name\": \"...\", \"scopes\": [\"verify\"]})");
    }
    return SessiondClient.builder(URI.create(p.getUrl())).apiKey(p.getApiKey()).maxEntries(p.getMaxEntries())
        .maxAge(p.getMaxAge()).feedLossBound(p.getFeedLossBound()).build();
  }

  /** Only in a servlet web application (the Servlet API and Spring's servlet support on the class path). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "jakarta.servlet.Filter")
  @ConditionalOnProperty(prefix = "sessiond.filter", name = "enabled", matchIfMissing = true)
  static class Servlet {
    @Bean
    FilterRegistrationBean<SessiondFilter> sessiondFilter(SessiondClient client, SessiondProperties p) {
      FilterRegistrationBean<SessiondFilter> registration = new FilterRegistrationBean<>(new SessiondFilter(client));
      registration.setUrlPatterns(p.getFilter().getUrlPatterns());
      registration.setOrder(p.getFilter().getOrder());
      registration.setName("sessiond");
      return registration;
    }
  }

  /** Only with Micrometer on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  static class Metrics {
    @Bean
    SessiondClientMetrics sessiondClientMetrics(SessiondClient client) {
      return new SessiondClientMetrics(client);
    }
  }
}
