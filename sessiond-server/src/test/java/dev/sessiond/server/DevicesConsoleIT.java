package dev.sessiond.server;

import static dev.sessiond.server.Api.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The console's "Your devices" view in a real headless Chromium, for a member who is not an admin and for an admin. */
class DevicesConsoleIT extends ConsoleBrowser {

  private void signIn(String user, String password) {
    browser.get("http://127.0.0.1:" + server.port() + "/");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-username"))).sendKeys(user);
    browser.findElement(By.id("login-password")).sendKeys(password);
    browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
  }

  /**
   * The first row, this device's. The view draws its list again when the console's socket is
   * counted (system/init), so a row found a moment ago may be gone: read it with textOf.
   */
  private static final By FIRST = By.cssSelector("#devices-table tbody tr:first-child");

  private static By device(String sessionId) {
    return By.cssSelector("#devices-table tr[data-id='" + sessionId + "']");
  }

  private List<WebElement> rows() {
    return browser.findElements(By.cssSelector("#devices-table tbody tr"));
  }

  @Test
  void aMemberWhoIsNotAnAdminSeesItsDevicesAndSignsOneOutWhileItsSocketIsClosed() throws Exception {
    member("devices-frank", "pw-devices-frank", "{\"is_admin\":false}");
    JsonNode laptop = loginElsewhere("devices-frank", "pw-devices-frank", MeIT.FIREFOX_LINUX);
    JsonNode phone = loginElsewhere("devices-frank", "pw-devices-frank", MeIT.SAFARI_IPHONE);
    WsClient laptopSocket = WsClient.connect(server.port(), laptop.get("token").asText());
    laptopSocket.next("system/init");

    signIn("devices-frank", "pw-devices-frank");

    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("devices-table")));
    wait.until(d -> rows().size() == 3);
    assertThat(browser.findElement(By.id("sessions")).isDisplayed()).isFalse();
    assertThat(browser.findElement(By.id("nav")).isDisplayed()).isFalse();
    assertThat(textOf(FIRST)).contains("this device").contains("Chrome");
    assertThat(textOf(device(laptop.get("id").asText()))).contains("Firefox 133 on Linux").contains("127.0.0.1").doesNotContain("this device");
    wait.until(d -> d.findElement(device(laptop.get("id").asText())).getDomAttribute("data-connected").equals("yes"));
    assertThat(textOf(device(phone.get("id").asText()))).contains("Mobile Safari 18 on iOS 18");

    // Live: a new sign-in elsewhere appears without a reload.
    JsonNode tablet = loginElsewhere("devices-frank", "pw-devices-frank", MeIT.CHROME_WINDOWS);
    wait.until(ExpectedConditions.presenceOfElementLocated(device(tablet.get("id").asText())));

    browser.findElement(By.cssSelector("button[aria-label='Sign out device " + laptop.get("id").asText() + "']")).click();

    assertThat(laptopSocket.awaitClose().code()).isEqualTo(4010);
    wait.until(ExpectedConditions.numberOfElementsToBe(device(laptop.get("id").asText()), 0));
    assertThat(api.get("/api/whoami", "Authorization", bearer(laptop.get("token").asText())).status()).isEqualTo(401);

    browser.findElement(By.id("revoke-others")).click();
    wait.until(d -> rows().size() == 1);
    wait.until(d -> d.findElement(By.id("status")).getText().contains("2 other device(s)"));
    assertThat(textOf(FIRST)).contains("this device");
    assertThat(api.get("/api/whoami", "Authorization", bearer(phone.get("token").asText())).status()).isEqualTo(401);
    java.nio.file.Files.write(Path.of("target/console-devices.png"), browser.getScreenshotAs(OutputType.BYTES));
  }

  @Test
  void aDeviceWhoseSocketClosedReadsReconnectingUntilTheGraceEndsThenOffline() throws Exception {
    member("devices-ivan", "pw-devices-ivan", "{\"is_admin\":false}");
    JsonNode laptop = loginElsewhere("devices-ivan", "pw-devices-ivan", MeIT.FIREFOX_LINUX);
    WsClient laptopSocket = WsClient.connect(server.port(), laptop.get("token").asText());
    laptopSocket.next("system/init");
    signIn("devices-ivan", "pw-devices-ivan");
    By online = By.cssSelector("#devices-table tr[data-id='" + laptop.get("id").asText() + "'] td.online");
    wait.until(ExpectedConditions.textToBe(online, "online"));

    closeSocket(laptopSocket);

    wait.until(ExpectedConditions.textToBe(online, "reconnecting"));
    pastTheGrace().until(ExpectedConditions.textToBe(online, "offline"));
  }

  @Test
  void theConsoleIsSignedOutWhenAnotherDeviceSignsItOut() {
    member("devices-gina", "pw-devices-gina", "{\"is_admin\":false}");
    JsonNode other = loginElsewhere("devices-gina", "pw-devices-gina", MeIT.FIREFOX_LINUX);
    signIn("devices-gina", "pw-devices-gina");
    wait.until(d -> rows().size() == 2);
    String consoleId = wait.until(d -> d.findElement(By.cssSelector("#devices-table tr.current")).getDomAttribute("data-id"));
    wait.until(d -> d.findElement(device(consoleId)).getDomAttribute("data-connected").equals("yes"));

    api.post("/api/me/sessions/revoke-others", null, "Authorization", bearer(other.get("token").asText()));

    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-username")));
    assertThat(browser.findElement(By.id("status")).getText()).contains("signed out from another device");
  }

  @Test
  void aMemberChangesItsPasswordAndOnlyThisDeviceStaysSignedIn() {
    member("devices-hana", "pw-devices-hana", "{\"is_admin\":false}");
    JsonNode other = loginElsewhere("devices-hana", "pw-devices-hana", MeIT.FIREFOX_LINUX);
    signIn("devices-hana", "pw-devices-hana");
    wait.until(d -> rows().size() == 2);

    browser.findElement(By.id("password-current")).sendKeys("pw-devices-hana");
    browser.findElement(By.id("password-new")).sendKeys("pw-devices-hana-2");
    browser.findElement(By.cssSelector("#password-form button[type=submit]")).click();

    wait.until(d -> d.findElement(By.id("status")).getText().contains("Password changed"));
    wait.until(d -> rows().size() == 1);
    assertThat(textOf(FIRST)).contains("this device");
    assertThat(api.get("/api/whoami", "Authorization", bearer(other.get("token").asText())).status()).isEqualTo(401);
    loginElsewhere("devices-hana", "pw-devices-hana-2", MeIT.CHROME_WINDOWS);
  }

  @Test
  void anAdminHasItsDevicesAsATab() {
    member("devices-admin", "pw-devices-admin", "{\"is_admin\":true}");
    JsonNode other = loginElsewhere("devices-admin", "pw-devices-admin", MeIT.FIREFOX_LINUX);
    signIn("devices-admin", "pw-devices-admin");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sessions-table")));

    browser.findElement(By.cssSelector("nav button[data-view=devices]")).click();

    wait.until(d -> rows().size() == 2);
    assertThat(textOf(FIRST)).contains("this device");
    assertThat(textOf(device(other.get("id").asText()))).contains("Firefox 133 on Linux");
    // The admin table names clients with the server's field too.
    browser.findElement(By.cssSelector("nav button[data-view=sessions]")).click();
    wait.until(d -> d.findElement(By.cssSelector("#sessions-table tr[data-id='" + other.get("id").asText() + "']"))
        .getText().contains("Firefox 133 on Linux"));
  }
}
