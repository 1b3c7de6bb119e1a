package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
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
  void theKeysViewMakesAKeyShowingItsSecretOnceAndDeletesIt() {
    signInAsAdmin();
    browser.findElement(By.cssSelector("nav button[data-view=keys]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key-name"))).sendKeys("console verifier");
    browser.findElement(By.cssSelector("#key-form button[type=submit]")).click();
    wait.until(d -> textOf(By.id("key-secret-value")).startsWith("sdk."));
    String secret = textOf(By.id("key-secret-value"));
    assertThat(api.get("/api/events?limit=1&after=now", "Authorization", bearer(secret)).status()).as("the shown key works").isEqualTo(200);
    wait.until(d -> textOf(By.id("keys-table")).contains("console verifier"));
    assertThat(textOf(By.id("keys-table"))).contains("verify").doesNotContain(secret);
    String id = null;
    for (var k : api.get("/api/keys", "Authorization", bearer(TestServer.API_TOKEN)).json()) {
      if (k.get("name").asText().equals("console verifier")) {
        id = k.get("id").asText();
      }
    }
    assertThat(id).isNotNull();

    browser.findElement(By.cssSelector("#keys-table tr[data-id='" + id + "'] button")).click();
    wait.until(ExpectedConditions.alertIsPresent()).accept();
    wait.until(d -> status().contains("deleted"));
    wait.until(d -> !textOf(By.id("keys-table")).contains("console verifier"));
    assertThat(api.get("/api/events?limit=1", "Authorization", bearer(secret)).status()).isEqualTo(401);
    // Leaving the view forgets the secret.
    browser.findElement(By.cssSelector("nav button[data-view=sessions]")).click();
    assertThat(browser.findElement(By.id("key-secret-value")).getDomProperty("textContent")).isEmpty();
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

  private By cellOf(String sessionId, String label) {
    return By.cssSelector("#sessions-table tr[data-id='" + sessionId + "'] td[data-label='" + label + "']");
  }

  @Test
  void theUserColumnNamesAMemberByItsUsernameWithItsIdOnHoverAndAnExternalUserByItsId() {
    // The profile's name is not the username: the column must not show it.
    String erin = member("console-erin", "pw-console-erin", "{\"name\":\"Erin Example\"}");
    JsonNode erinsSession = loginElsewhere("console-erin", "pw-console-erin", MeIT.FIREFOX_LINUX);
    JsonNode external = api.createSession("console-external-42");
    signInAsAdmin();

    By erinsUser = cellOf(erinsSession.get("id").asText(), "User");
    wait.until(ExpectedConditions.textToBe(erinsUser, "console-erin"));
    assertThat(browser.findElement(erinsUser).getDomAttribute("title")).isEqualTo(erin);
    By externalUser = cellOf(external.get("id").asText(), "User");
    wait.until(ExpectedConditions.presenceOfElementLocated(externalUser));
    assertThat(browser.findElement(externalUser).getText()).isEqualTo("console-external-42");
    assertThat(browser.findElement(externalUser).getDomAttribute("title")).isNullOrEmpty();

    // A member created after the console read the member list: its first session still gets the name.
    String fay = member("console-fay", "pw-console-fay", "{}");
    JsonNode faysSession = loginElsewhere("console-fay", "pw-console-fay", MeIT.CHROME_WINDOWS);
    By faysUser = cellOf(faysSession.get("id").asText(), "User");
    wait.until(ExpectedConditions.textToBe(faysUser, "console-fay"));
    assertThat(browser.findElement(faysUser).getDomAttribute("title")).isEqualTo(fay);
    assertThat(browser.findElement(cellOf(external.get("id").asText(), "User")).getText()).isEqualTo("console-external-42");
  }

  @Test
  void aSessionWhoseLastSocketClosedReadsReconnectingWithNoConnectionsUntilTheGraceEnds() {
    JsonNode s = api.createSession("console-reload");
    String id = s.get("id").asText();
    WsClient ws = WsClient.connect(server.port(), s.get("token").asText());
    signInAsAdmin();
    wait.until(ExpectedConditions.textToBe(cellOf(id, "State"), "connected"));
    assertThat(browser.findElement(cellOf(id, "Conns")).getText()).isEqualTo("1");

    closeSocket(ws);

    wait.until(ExpectedConditions.textToBe(cellOf(id, "State"), "reconnecting"));
    assertThat(browser.findElement(cellOf(id, "Conns")).getText()).isEqualTo("0");
    pastTheGrace().until(ExpectedConditions.textToBe(cellOf(id, "State"), "not connected"));
    assertThat(browser.findElement(cellOf(id, "Conns")).getText()).isEqualTo("0");
  }

  /**
   * Where the picture goes: under target/ on every run, so a test run leaves the checkout as it
   * was; {@code -Dconsole.png=docs/console.png} (a relative path is from the repository root)
   * refreshes the README's picture on purpose.
   */
  private static Path screenshotFile() {
    String wanted = System.getProperty("console.png");
    if (wanted == null || wanted.isBlank()) {
      return Path.of("target/console.png");
    }
    Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    return module.getParent().resolve(wanted);
  }

  @Test
  void screenshotsForTheReadmeAndTheNarrowLayout() throws Exception {
    member("alice", "pw-console-alice", "{\"name\":\"Alice Liddell\"}");
    member("bob", "pw-console-bob", "{}");
    loginElsewhere("alice", "pw-console-alice", MeIT.FIREFOX_LINUX);
    JsonNode bob = loginElsewhere("bob", "pw-console-bob", MeIT.SAFARI_IPHONE);
    api.createSession("carol-42");
    JsonNode dave = api.createSession("dave@example.com");
    WsClient.connect(server.port(), dave.get("token").asText());
    WsClient bobs = WsClient.connect(server.port(), bob.get("token").asText());
    signInAsAdmin();
    wait.until(ExpectedConditions.textToBe(cellOf(dave.get("id").asText(), "State"), "connected"));
    wait.until(ExpectedConditions.textToBe(cellOf(bob.get("id").asText(), "State"), "connected"));
    wait.until(ExpectedConditions.textToBe(cellOf(bob.get("id").asText(), "User"), "bob"));
    closeSocket(bobs);
    wait.until(ExpectedConditions.textToBe(cellOf(bob.get("id").asText(), "State"), "reconnecting"));

    Path picture = screenshotFile();
    Files.createDirectories(picture.toAbsolutePath().getParent());
    Files.write(picture, browser.getScreenshotAs(OutputType.BYTES));
    browser.manage().window().setSize(new Dimension(375, 800));
    Files.write(Path.of("target/console-narrow.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    assertThat(Files.size(picture)).isPositive();
  }
}
