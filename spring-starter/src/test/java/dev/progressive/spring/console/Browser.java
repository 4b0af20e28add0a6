package dev.progressive.spring.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.slf4j.LoggerFactory;

/**
 * The browser of the console's tests: Debian's headless Chromium through Debian's chromedriver, or the ones that the
 * system properties {@code progressive.it.chromium} and {@code webdriver.chrome.driver} name. The driver's path is
 * always given, so Selenium Manager never looks for (or downloads) one.
 */
final class Browser {

  /** Why the browser tests were skipped, and what to install. */
  static final String MISSING = "The console's browser tests need Chromium and chromedriver (/usr/bin/chromium and "
      + "/usr/bin/chromedriver, or -Dprogressive.it.chromium=... and -Dwebdriver.chrome.driver=...): install "
      + "Debian's packages with 'apt-get install chromium chromium-driver' (bash .ci/run does)";

  static final Path CHROMIUM = Path.of(System.getProperty("progressive.it.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver"));

  private Browser() {}

  /** Whether both are there; the tests' {@code @EnabledIf}. Says in the build's log when they are not. */
  static boolean available() {
    boolean available = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!available) {
      LoggerFactory.getLogger(Browser.class).warn("Skipped: {}", MISSING);
    }
    return available;
  }

  /** A new headless browser, 1280 by 1000 pixels, that keeps its console's messages for {@link #errors}. */
  static WebDriver start() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1280,1000", "--lang=en-US", "--force-device-scale-factor=1");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    return new ChromeDriver(service, options);
  }

  /**
   * The errors in the browser's console since the last call: script errors, Content-Security-Policy violations and
   * failed loads.
   */
  static List<String> errors(WebDriver driver) {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }
}
