package dev.sessiond.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The console's Activity view (the event log, newest first, live) in a real headless Chromium. */
class ActivityConsoleIT extends ConsoleBrowser {

  private void openActivity() {
    browser.get("http://127.0.0.1:" + server.port() + "/");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-username"))).sendKeys(TestServer.ADMIN);
    browser.findElement(By.id("login-password")).sendKeys(TestServer.ADMIN_PASSWORD);
    browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("nav button[data-view=activity]"))).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("activity-table")));
    wait.until(d -> "yes".equals(d.findElement(By.id("activity")).getDomAttribute("data-live")));
  }

  private List<WebElement> rows() {
    return browser.findElements(By.cssSelector("#activity-table tbody tr"));
  }

  private String user(WebElement row) {
    return row.findElement(By.cssSelector("td[data-label=User]")).getText();
  }

  @Test
  void theLogIsShownNewestFirstAndANewEventAppearsOnTopWithoutReload() throws Exception {
    JsonNode older = api.createSession("activity-older");
    api.delete("/api/sessions/" + older.get("id").asText(), "Authorization", Api.bearer(TestServer.API_TOKEN));
    openActivity();
    wait.until(d -> rows().size() >= 3);
    List<String> ids = rows().stream().map(r -> r.getDomAttribute("data-id")).toList();
    List<String> newestFirst = new java.util.ArrayList<>(EventIds.all(api));
    java.util.Collections.reverse(newestFirst);
    assertThat(ids).isEqualTo(newestFirst.subList(0, ids.size()));
    WebElement revoked = browser.findElement(By.cssSelector("#activity-table tr[data-type='session.revoked']"));
    assertThat(revoked.getText()).contains("activity-older").contains("deleted").contains("API token");

    api.createSession("activity-live");

    wait.until(d -> user(rows().get(0)).equals("activity-live"));
    assertThat(rows().get(0).getText()).contains("session.created");
    java.nio.file.Files.write(Path.of("target/activity.png"),
        browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
  }

  @Test
  void aUserFilterShowsOnlyThatUsersEventsLiveToo() {
    api.createSession("activity-ann");
    api.createSession("activity-bob");
    openActivity();
    browser.findElement(By.id("activity-user")).sendKeys("activity-ann");
    browser.findElement(By.cssSelector("#activity-filter button[type=submit]")).click();
    wait.until(d -> rows().size() == 1 && user(rows().get(0)).equals("activity-ann"));
    wait.until(d -> "yes".equals(d.findElement(By.id("activity")).getDomAttribute("data-live")));

    api.createSession("activity-bob");
    api.createSession("activity-ann");

    wait.until(d -> rows().size() == 2);
    assertThat(rows()).allSatisfy(r -> assertThat(user(r)).isEqualTo("activity-ann"));
  }
}
