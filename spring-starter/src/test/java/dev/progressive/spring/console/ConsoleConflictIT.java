package dev.progressive.spring.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.store.AuditEntry;
import dev.progressive.toggles.store.ChangeRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A flag changed by someone else while the page showed it: the page's change is refused with 409, nothing it asked
 * for is applied, and the page says so and shows the new state. The page polls once an hour here, so that it cannot
 * see the other change before the click.
 */
@EnabledIf(value = "dev.progressive.spring.console.Browser#available", disabledReason = Browser.MISSING)
@SpringBootTest(classes = ConsoleTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "management.endpoints.web.exposure.include=toggles,canaries,parallelruns",
        "progressive.toggles.sources[0].location=console-flags.json",
        "progressive.toggles.open-feature.enabled=false",
        "progressive.console.enabled=true",
        "progressive.console.poll-interval=1h"})
class ConsoleConflictIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @LocalServerPort
  int port;

  @Autowired
  Toggles toggles;

  private WebDriver driver;

  @BeforeEach
  void startBrowser() {
    driver = Browser.start();
  }

  @AfterEach
  void stopBrowser() {
    if (driver != null) {
      driver.quit();
    }
  }

  @Test
  void aChangeOverSomeoneElsesIsRefusedAndThePageShowsTheNewState() {
    driver.get("http://127.0.0.1:" + port + "/progressive/");
    waiting().until(d -> !d.findElements(By.id("login-form")).isEmpty());
    driver.findElement(By.id("username")).sendKeys(ConsoleTestApp.OPS);
    driver.findElement(By.id("password")).sendKeys(ConsoleTestApp.PASSWORD);
    driver.findElement(By.id("login-submit")).click();
    waiting().until(d -> "true".equals(d.findElement(By.tagName("body"))
        .getAttribute("data-ready")));
    WebElement open = waiting().until(d -> d.findElements(By.cssSelector("#flag-rows button"))
        .stream().filter(b -> "search-ranking".equals(b.getAttribute("data-flag-key"))).findFirst().orElse(null));
    open.sendKeys(Keys.ENTER);
    await().atMost(WAIT).ignoreExceptions().until(() -> driver.findElement(By.id("flag-detail-summary")).getText()
        .contains("version 0"));
    WebElement toggle = driver.findElement(By.id("flag-state-switch"));
    assertThat(toggle.isSelected()).isTrue();

    long read = toggles.admin().flag("search-ranking").orElseThrow().version();
    toggles.admin().setDefaultVariant("search-ranking", "semantic",
        ChangeRequest.of("someone-else", "semantic search for everyone", read));

    driver.findElement(By.id("flag-reason")).sendKeys("too slow tonight");
    toggle.sendKeys(Keys.SPACE);
    await().atMost(WAIT).ignoreExceptions().until(() -> driver.findElement(By.id("flag-message")).getText()
        .startsWith("Someone else changed search-ranking since you read it"));
    String message = driver.findElement(By.id("flag-message")).getText();
    assertThat(message).contains("you read version 0", "it is now at version 1", "default variant semantic",
        "Nothing was changed");
    assertThat(driver.findElement(By.id("flag-detail-summary")).getText()).contains("version 1")
        .contains("default variant semantic");
    assertThat(driver.findElement(By.id("flag-state-switch")).isSelected()).isTrue();

    assertThat(toggles.admin().flag("search-ranking").orElseThrow().state()).isEqualTo("ENABLED");
    List<AuditEntry> audit = toggles.admin().history("search-ranking", Instant.EPOCH,
        Instant.now().plusSeconds(60), 100);
    assertThat(audit).extracting(AuditEntry::actor).containsExactly("someone-else");
  }

  /** Waits in the browser; an element replaced meanwhile (a navigation, a poll) is looked up again. */
  private WebDriverWait waiting() {
    WebDriverWait wait = new WebDriverWait(driver, WAIT);
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }
}
