package dev.progressive.samples.restaurant;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's promises about the sample: its run command is the first code block under Quick start, and the tour
 * names every flag, canary and parallel run that the sample configures, so neither drifts from the other.
 */
class ReadmeTest {

  private static final Path README = Path.of("..", "..", "README.md");

  @Test
  void theRunCommandIsTheFirstCodeBlockUnderQuickStart() throws IOException {
    String readme = Files.readString(README);
    String quickStart = section(readme, "## Quick start");

    Matcher block = Pattern.compile("```\\w*\\n(.*?)```", Pattern.DOTALL).matcher(quickStart);

    assertThat(block.find()).isTrue();
    assertThat(block.group(1).strip()).isEqualTo("./mvnw -q -DskipTests -pl samples/restaurant-service -am package"
        + " && java -jar samples/restaurant-service/target/restaurant-service.jar");
  }

  @Test
  void theTourNamesEveryFlagCanaryAndParallelRunOfTheSample() throws IOException {
    String tour = section(Files.readString(README), "## Samples");
    Properties properties = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
      properties.load(in);
    }
    Set<String> names = new TreeSet<>();
    for (String key : properties.stringPropertyNames()) {
      Matcher canary = Pattern.compile("progressive\\.canary\\.canaries\\.([^.]+)\\..*").matcher(key);
      if (canary.matches()) {
        names.add(canary.group(1));
      }
      Matcher experiment = Pattern.compile("progressive\\.parallel-run\\.experiments\\.([^.]+)\\..*").matcher(key);
      if (experiment.matches()) {
        names.add(experiment.group(1));
      }
      if (key.matches("progressive\\.parallel-run\\.shadow\\.routes\\[\\d+]\\.name")) {
        names.add(properties.getProperty(key));
      }
    }
    try (InputStream in = getClass().getResourceAsStream("/flags.json")) {
      Matcher flag = Pattern.compile("\"([a-z0-9-]+)\": \\{\\s*\"state\"").matcher(new String(in.readAllBytes()));
      while (flag.find()) {
        names.add(flag.group(1));
      }
    }

    assertThat(names).contains("new-menu-search", "pricing-engine", "pricing-service", "tax", "menu");
    for (String name : names) {
      assertThat(tour).as("the tour names " + name).contains("`" + name + "`");
    }
  }

  private static String section(String readme, String heading) {
    int start = readme.indexOf(heading + "\n");
    assertThat(start).as(heading).isNotNegative();
    int end = readme.indexOf("\n## ", start + heading.length());
    return readme.substring(start, end < 0 ? readme.length() : end);
  }
}
