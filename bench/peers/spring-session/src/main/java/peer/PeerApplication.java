package peer;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.web.http.HeaderHttpSessionIdResolver;
import org.springframework.session.web.http.HttpSessionIdResolver;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What a team would build with the usual library: Spring Boot with Spring Session on Redis
 * (spring-session-data-redis; Spring Boot configures its default RedisSessionRepository), the
 * session id in the X-Auth-Token header. GET /whoami answers the session's attributes.
 * {@code --populate=N --tokens-file=F} creates N sessions through the SessionRepository and exits.
 */
@SpringBootApplication
@RestController
public class PeerApplication {

  public static void main(String[] args) throws Exception {
    ConfigurableApplicationContext ctx = SpringApplication.run(PeerApplication.class, args);
    String populate = ctx.getEnvironment().getProperty("populate");
    if (populate != null) {
      populate(ctx, Integer.parseInt(populate), Path.of(ctx.getEnvironment().getProperty("tokens-file")));
      System.exit(SpringApplication.exit(ctx));
    }
  }

  @Bean
  HttpSessionIdResolver httpSessionIdResolver() {
    return HeaderHttpSessionIdResolver.xAuthToken();
  }

  static Map<String, Object> attributes(String userId) {
    Map<String, Object> profile = new LinkedHashMap<>();
    profile.put("name", userId);
    for (String flag : new String[] {"is_admin", "can_login", "can_connect", "can_watch", "can_host",
        "can_share_media", "can_access_clipboard", "sends_inactive_cursor", "can_see_inactive_cursors"}) {
      profile.put(flag, !flag.equals("is_admin"));
    }
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("user_id", userId);
    a.put("profile", profile);
    a.put("ip", "127.0.0.1");
    a.put("user_agent", "bench");
    return a;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  static void populate(ConfigurableApplicationContext ctx, int n, Path tokens) throws Exception {
    SessionRepository repo = ctx.getBean(SessionRepository.class);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    String[] ids = new String[n];
    for (int i = 0; i < n; i++) {
      int k = i;
      pool.submit(() -> {
        Session s = repo.createSession();
        attributes("user-" + k).forEach(s::setAttribute);
        repo.save(s);
        ids[k] = s.getId();
      });
    }
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.MINUTES);
    try (BufferedWriter out = Files.newBufferedWriter(tokens)) {
      for (String id : ids) {
        out.write(id + " " + id + "\n");
      }
    }
  }

  @GetMapping("/whoami")
  public ResponseEntity<Map<String, Object>> whoami(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session == null) {
      return ResponseEntity.status(401).body(Map.of("message", "unauthorized"));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", session.getId());
    for (String name : new String[] {"user_id", "profile", "ip", "user_agent"}) {
      body.put(name, session.getAttribute(name));
    }
    body.put("created_at", Instant.ofEpochMilli(session.getCreationTime()).toString());
    body.put("last_seen_at", Instant.ofEpochMilli(session.getLastAccessedTime()).toString());
    body.put("expires_at", Instant.ofEpochMilli(session.getLastAccessedTime()
        + session.getMaxInactiveInterval() * 1000L).toString());
    return ResponseEntity.ok(body);
  }

  @PostMapping("/login")
  public Map<String, Object> login(@RequestParam("user") String user, HttpServletRequest request) {
    HttpSession session = request.getSession(true);
    attributes(user).forEach(session::setAttribute);
    return Map.of("id", session.getId());
  }
}
