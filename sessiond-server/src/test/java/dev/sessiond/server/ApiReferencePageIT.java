package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The API reference page sessiond serves ({@code GET /docs/api}): docs/openapi.yaml rendered in a
 * real headless Chromium by the Redoc bundle from the jar, every operation and path of the document
 * on the page, under the page's own Content-Security-Policy (nothing from another origin).
 */
class ApiReferencePageIT extends OneServerPerClass {

  /** An operation in the document: a method line under a path (four spaces, then the method). */
  private static final Pattern OPERATION = Pattern.compile("(?m)^    (get|post|put|patch|delete):");

  /** A path of the document: two spaces, then the path and a colon. */
  private static final Pattern PATH = Pattern.compile("(?m)^  (/\\S*):$");

  @TempDir
  Path profile;

  @Test
  void theDocumentIsServedAsTheRepositoryHoldsItAndThePageNeedsNothingFromElsewhere() throws Exception {
    HttpResponse<String> yaml = fetch("/docs/openapi.yaml");
    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(yaml.body()).isEqualTo(Files.readString(Path.of("../docs/openapi.yaml")));
    HttpResponse<String> page = fetch("/docs/api");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
        assertThat(csp).startsWith("default-src 'self';").doesNotContain("http"));
    assertThat(page.body()).doesNotContain("http://", "https://");
    HttpResponse<String> script = fetch("/docs/api/redoc.standalone.js");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(script.body()).contains("ReDoc").doesNotContain("https://cdn");
  }

  /**
   * Redoc gives each operation's section a {@code data-section-id}: "operation/<operationId>", or
   * one made from its tag and path ("tag/<tag>/paths/<path>/<method>") when the document names none;
   * an operation under several tags has a section under each.
   */
  private static long operationsOnThePage(org.openqa.selenium.WebDriver browser) {
    return ((Number) ((JavascriptExecutor) browser).executeScript(
        "return document.querySelectorAll('[data-section-id^=\"operation/\"], [data-section-id*=\"/paths/\"]').length"))
        .longValue();
  }

  /** A page and its files are not API routes (the document does not list them): fetched without its check. */
  private static HttpResponse<String> fetch(String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void chromiumRendersEveryOperationOfTheDocument() throws Exception {
    String document = Files.readString(Path.of("../docs/openapi.yaml"));
    long operations = OPERATION.matcher(document).results().count();
    assertThat(operations).isGreaterThan(30);
    ChromeDriver browser = ConsoleBrowser.chromium(profile, "1280,800");
    try {
      browser.get("http://127.0.0.1:" + server.port() + "/docs/api");
      WebDriverWait wait = ConsoleBrowser.waiting(browser, Duration.ofSeconds(30));
      wait.until(d -> operationsOnThePage(d) >= operations);
      assertThat(browser.getTitle()).isEqualTo("sessiond API reference");
      // Typing in Redoc's search runs it in a worker the page makes from a blob (allowed by its policy).
      browser.findElement(org.openqa.selenium.By.cssSelector("input[placeholder='Search...']")).sendKeys("forward");
      try {
        wait.until(d -> !d.findElements(org.openqa.selenium.By.cssSelector("[data-role='search:results'] li")).isEmpty());
      } catch (org.openqa.selenium.TimeoutException e) {
        throw new AssertionError("no search results; the page's console: " + browser.manage().logs().get(LogType.BROWSER).getAll(), e);
      }
      String text = (String) browser.executeScript("return document.body.textContent");
      assertThat(text).contains("sessiond API");
      PATH.matcher(document).results().map(m -> m.group(1)).forEach(path -> assertThat(text).contains(path));
      List<String> console = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
          .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::getMessage).toList();
      assertThat(console).as("what the page's console reported (a refused request, a script error)").isEmpty();
    } finally {
      browser.quit();
    }
  }
}
