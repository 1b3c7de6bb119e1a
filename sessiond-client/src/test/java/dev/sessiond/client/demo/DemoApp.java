package dev.sessiond.client.demo;

import dev.sessiond.client.VerifiedSession;
import dev.sessiond.client.servlet.SessiondFilter;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A Spring Boot application protected by sessiond with nothing but two properties. */
@SpringBootApplication
@RestController
public class DemoApp {

  @GetMapping("/hello")
  public String hello(HttpServletRequest request) {
    VerifiedSession s = SessiondFilter.session(request);
    return "hello " + s.userId() + (s.profile().isAdmin() ? " (admin)" : "");
  }
}
