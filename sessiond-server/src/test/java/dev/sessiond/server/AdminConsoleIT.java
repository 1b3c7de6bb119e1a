package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The admin console in a real headless Chromium, against the real server. */
class AdminConsoleIT extends ConsoleBrowser {

  private String url() {
    return "http://127.0.0.1:" + server.port() + "/";
  }

  private void signIn(String user, String password) {
    browser.get(url());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-username"))).sendKeys(user);
    browser.findElement(By.id("login-password")).sendKeys(password);
    browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
  }

  private void signInAsAdmin() {
    signIn(TestServer.ADMIN, TestServer.ADMIN_PASSWORD);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sessions-table")));
    wait.until(d -> !d.findElement(By.id("count-sessions")).getText().equals("–"));
  }

  private By row(String sessionId) {
    return By.cssSelector("#sessions-table tr[data-id='" + sessionId + "']");
  }

  private String status() {
    return browser.findElement(By.id("status")).getText();
  }

  @Test
  void anAdminSignsInAndSeesSessionsAndCounts() {
    JsonNode s = api.createSession("console-listed");
    signInAsAdmin();
    wait.until(ExpectedConditions.presenceOfElementLocated(row(s.get("id").asText())));
    assertThat(browser.findElement(By.id("count-sessions")).getText()).matches("\\d+");
  }

  @Test
  void aSessionCreatedElsewhereAppearsWithoutReload() {
    signInAsAdmin();
    JsonNode s = api.createSession("console-live");
    WebElement tr = wait.until(ExpectedConditions.presenceOfElementLocated(row(s.get("id").asText())));
    assertThat(tr.getText()).contains("console-live");
  }

  @Test
  void disconnectFlipsTheStateAndClosesTheSocketButKeepsTheSession() throws Exception {
    JsonNode s = api.createSession("console-disconnect");
    String id = s.get("id").asText();
    WsClient ws = WsClient.connect(server.port(), s.get("token").asText());
    ws.next("system/init");
    signInAsAdmin();
    wait.until(d -> d.findElement(row(id)).getDomAttribute("data-connected").equals("yes"));

    browser.findElement(By.cssSelector("button[aria-label='Disconnect session " + id + "']")).click();

    assertThat(ws.awaitClose().code()).isEqualTo(4001);
    wait.until(d -> status().contains("Disconnected session " + id));
    wait.until(d -> d.findElement(row(id)).getDomAttribute("data-connected").equals("no")
        || d.findElement(row(id)).findElement(By.cssSelector(".conns")).getText().equals("0"));
    assertThat(api.get("/api/whoami", "Authorization", bearer(s.get("token").asText())).status()).isEqualTo(200);
  }

  @Test
  void interruptRemovesTheRowAndClosesTheClientsSocket() throws Exception {
    JsonNode s = api.createSession("console-interrupt");
    String id = s.get("id").asText();
    WsClient ws = WsClient.connect(server.port(), s.get("token").asText());
    ws.next("system/init");
    signInAsAdmin();
    wait.until(ExpectedConditions.presenceOfElementLocated(row(id)));

    browser.findElement(By.cssSelector("button[aria-label='Interrupt session " + id + "']")).click();

    assertThat(ws.awaitClose().code()).isEqualTo(4003);
    wait.until(ExpectedConditions.numberOfElementsToBe(row(id), 0));
    assertThat(api.get("/api/whoami", "Authorization", bearer(s.get("token").asText())).status()).isEqualTo(401);
  }

  @Test
  void interruptEveryoneNeedsTheTypedConfirmationAndSignsTheAdminOut() throws Exception {
    JsonNode s = api.createSession("console-everyone");
    signInAsAdmin();
    browser.findElement(By.id("clear-all")).click();
    WebElement go = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("clear-go")));
    assertThat(go.isEnabled()).isFalse();
    browser.findElement(By.id("clear-confirm")).sendKeys("interrupt every");
    assertThat(go.isEnabled()).isFalse();
    browser.findElement(By.id("clear-confirm")).sendKeys("one");
    assertThat(go.isEnabled()).isTrue();

    go.click();

    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-username")));
    assertThat(status()).contains("Everyone was interrupted");
    assertThat(api.get("/api/whoami", "Authorization", bearer(s.get("token").asText())).status()).isEqualTo(401);
  }

  @Test
  void anApiErrorIsShownInWords() {
    signInAsAdmin();
    browser.findElement(By.cssSelector("nav button[data-view=members]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("member-username"))).sendKeys(TestServer.ADMIN);
    browser.findElement(By.id("member-password")).sendKeys("whatever-password");
    browser.findElement(By.cssSelector("#member-form button[type=submit]")).click();
    wait.until(d -> status().contains("username is taken"));
    assertThat(browser.findElement(By.id("status")).getDomAttribute("class")).contains("error");
  }

  @Test
  void aWrongPasswordIsShownAndNothingElse() {
    signIn(TestServer.ADMIN, "not-the-password");
    wait.until(d -> status().contains("wrong username or password"));
    assertThat(browser.findElement(By.id("sessions")).isDisplayed()).isFalse();
  }

  @Test
  void screenshotsForTheReadmeAndTheNarrowLayout() throws Exception {
    for (String user : List.of("alice@example.com", "bob", "carol-42")) {
      api.createSession(user);
    }
    JsonNode connected = api.createSession("dave");
    WsClient ws = WsClient.connect(server.port(), connected.get("token").asText());
    ws.next("system/init");
    signInAsAdmin();
    wait.until(d -> d.findElement(row(connected.get("id").asText())).getDomAttribute("data-connected").equals("yes"));
    Path docs = Path.of("../docs");
    Files.createDirectories(docs);
    Files.write(docs.resolve("console.png"), browser.getScreenshotAs(OutputType.BYTES));
    browser.manage().window().setSize(new Dimension(375, 800));
    Files.write(Path.of("target/console-narrow.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    assertThat(Files.size(docs.resolve("console.png"))).isPositive();
  }
}
