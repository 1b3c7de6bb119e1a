package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The API reference page sessiond serves ({@code GET /docs/api}): docs/openapi.yaml rendered in a
 * real headless Chromium by the Redoc bundle from the jar, every operation of the document on the
 * page, under the page's own Content-Security-Policy (nothing from another origin).
 */
class ApiReferencePageIT extends OneServerPerClass {

  /** An operation in the document: a method line under a path (four spaces, then the method). */
  private static final Pattern OPERATION = Pattern.compile("(?m)^    (get|post|put|patch|delete):");

  @TempDir
  Path profile;

  @Test
  void theDocumentIsServedAsTheRepositoryHoldsItAndThePageNeedsNothingFromElsewhere() throws Exception {
    Api.Res yaml = api.get("/docs/openapi.yaml");
    assertThat(yaml.status()).isEqualTo(200);
    assertThat(yaml.body()).isEqualTo(Files.readString(Path.of("../docs/openapi.yaml")));
    Api.Res page = api.get("/docs/api");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
        assertThat(csp).startsWith("default-src 'self';").doesNotContain("http"));
    assertThat(page.body()).doesNotContain("http://", "https://");
    Api.Res script = api.get("/docs/api/redoc.standalone.js");
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.body()).contains("ReDoc");
  }

  @Test
  void chromiumRendersEveryOperationOfTheDocument() throws Exception {
    long operations = OPERATION.matcher(Files.readString(Path.of("../docs/openapi.yaml"))).results().count();
    assertThat(operations).isGreaterThan(30);
    ChromeDriver browser = ConsoleBrowser.chromium(profile, "1280,800");
    try {
      browser.get("http://127.0.0.1:" + server.port() + "/docs/api");
      WebDriverWait wait = ConsoleBrowser.waiting(browser, Duration.ofSeconds(30));
      // Redoc gives each operation's section an id ("operation/<operationId>", or one made from
      // its tag and path when the document names none) and an http verb badge in the middle panel.
      wait.until(d -> ((Number) ((JavascriptExecutor) d).executeScript(
          "return document.querySelectorAll('div[id] > div > div > h2 + div span[type]').length")).longValue() >= operations
          || ((Number) ((JavascriptExecutor) d).executeScript(
              "return document.querySelectorAll('[data-section-id^=\"operation/\"], [data-section-id*=\"/paths/\"]').length"))
              .longValue() >= operations);
      assertThat(browser.getTitle()).isEqualTo("sessiond API reference");
      assertThat(browser.findElement(By.tagName("body")).getText())
          .contains("sessiond API").contains("/api/login").contains("/api/forward-auth").contains("/sessions/clear");
    } finally {
      browser.quit();
    }
  }
}
