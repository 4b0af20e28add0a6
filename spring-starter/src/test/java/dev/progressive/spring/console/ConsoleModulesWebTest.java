package dev.progressive.spring.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The console's script as native ES modules, without a browser: every module is served as JavaScript under the
 * strict policy, every relative import names a module that is there, the login page's modules (and only those) are
 * open before login, and no module writes markup.
 */
@SpringBootTest(classes = ConsoleTestApp.class, properties = {
    "management.endpoints.web.exposure.include=toggles,canaries,parallelruns",
    "progressive.toggles.sources[0].location=console-flags.json",
    "progressive.toggles.open-feature.enabled=false",
    "progressive.console.enabled=true",
    "progressive.console.poll-interval=2s",
    "progressive.canary.canaries.checkout-v2.steps[0].weight=5",
    "progressive.canary.canaries.checkout-v2.steps[1].weight=25",
    "progressive.canary.canaries.checkout-v2.steps[2].weight=50",
    "progressive.canary.canaries.checkout-v2.steps[0].min-duration=1h",
    "progressive.canary.canaries.checkout-v2.steps[1].min-duration=1h",
    "progressive.canary.canaries.checkout-v2.steps[2].min-duration=1h",
    "progressive.canary.canaries.checkout-v2.analysis-interval=1s",
    "progressive.canary.canaries.checkout-v2.auto-start=true"})
@AutoConfigureMockMvc
class ConsoleModulesWebTest {

  /** import ... from './x.js', export ... from './x.js' and import './x.js', at the start of a line. */
  private static final Pattern IMPORT = Pattern.compile(
      "(?m)^(?:(?:import|export)\\b[^'\";]*?\\bfrom\\s*|import\\s*)['\"]([^'\"]+)['\"]\\s*;");

  /** Module path below the console's path → its source. */
  private static final Map<String, String> MODULES = new TreeMap<>();

  @Autowired
  MockMvc mvc;

  @BeforeAll
  static void readModules() throws IOException {
    String root = new org.springframework.core.io.ClassPathResource(ConsoleRoutes.LOCATION).getURL().toString();
    for (Resource r : new PathMatchingResourcePatternResolver()
        .getResources("classpath*:" + ConsoleRoutes.LOCATION + "**/*.js")) {
      String url = r.getURL().toString();
      if (!url.startsWith(root)) {
        continue;
      }
      try (InputStream in = r.getInputStream()) {
        MODULES.put(url.substring(root.length()), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void theConsoleIsSeveralModulesAndEachIsServedAsJavaScriptUnderThePolicy() throws Exception {
    assertThat(MODULES.keySet()).contains("console.js", "login.js", "js/cookies.js", "js/api.js", "js/dom.js",
        "js/store.js", "js/flags.js", "js/canaries.js", "js/experiments.js", "js/charts.js", "js/polling.js");
    for (String module : MODULES.keySet()) {
      mvc.perform(get("/progressive/" + module).with(user(ConsoleTestApp.VIEWER).roles("USER")))
          .andExpect(status().isOk())
          // A browser runs a module only with a JavaScript type, and the page says nosniff.
          .andExpect(content().contentTypeCompatibleWith("text/javascript"))
          .andExpect(header().string("Content-Security-Policy", ConsoleHeadersFilter.POLICY))
          .andExpect(header().string("Cache-Control", "no-store"));
    }
  }

  @Test
  void everyRelativeImportNamesAModuleThatIsThere() {
    int imports = 0;
    for (Map.Entry<String, String> module : MODULES.entrySet()) {
      for (String target : imports(module.getKey())) {
        imports++;
        assertThat(MODULES).as("%s imports %s", module.getKey(), target).containsKey(target);
      }
    }
    assertThat(imports).as("imports found").isGreaterThan(MODULES.size());
  }

  @Test
  void theLoginPagesModulesAreOpenBeforeLoginAndNoOtherIs() throws Exception {
    Set<String> login = closure("login.js");
    assertThat(login).contains("login.js", "js/cookies.js");
    for (String module : MODULES.keySet()) {
      if (login.contains(module)) {
        mvc.perform(get("/progressive/" + module)).andExpect(status().isOk());
      } else {
        mvc.perform(get("/progressive/" + module))
            .andExpect(status().isFound())
            .andExpect(header().string("Location", endsWith("/progressive/login")));
      }
    }
  }

  @Test
  void noModuleWritesMarkupAndOnlyTheDomHelpersCreateElements() {
    for (Map.Entry<String, String> module : MODULES.entrySet()) {
      // The code without its comments, which may name what the code avoids.
      String code = module.getValue().replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)//.*$", "");
      assertThat(code).as(module.getKey())
          .doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
              "new Function", "DOMParser", "createContextualFragment");
      if (!module.getKey().equals("js/dom.js")) {
        assertThat(code).as(module.getKey()).doesNotContain("createElement", "createTextNode");
      }
    }
  }

  /** The module paths that a module imports, resolved against its own path. */
  private static Set<String> imports(String module) {
    Set<String> targets = new LinkedHashSet<>();
    String dir = module.contains("/") ? module.substring(0, module.lastIndexOf('/') + 1) : "";
    Matcher m = IMPORT.matcher(MODULES.get(module));
    while (m.find()) {
      String spec = m.group(1);
      assertThat(spec).as("%s imports %s: only relative imports, no bundler", module, spec).startsWith("./");
      targets.add(java.net.URI.create("x:/" + dir).resolve(spec).getPath().substring(1));
    }
    return targets;
  }

  private static Set<String> closure(String entry) {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(Set.of(entry));
    while (!todo.isEmpty()) {
      String next = todo.pop();
      if (seen.add(next) && MODULES.containsKey(next)) {
        todo.addAll(imports(next));
      }
    }
    return seen;
  }
}
