package dev.progressive.spring.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.ApplicationContext;
import org.springframework.test.web.servlet.MockMvc;

/** The console off by default, and at a path of the application's choosing. */
class ConsoleSettingsWebTest {

  @Nested
  @SpringBootTest(classes = ConsoleTestApp.class, properties = {
      "management.endpoints.web.exposure.include=toggles",
      "progressive.toggles.sources[0].location=console-flags.json",
      "progressive.toggles.open-feature.enabled=false"})
  @AutoConfigureMockMvc
  class OffByDefault {

    @Autowired
    MockMvc mvc;

    @Autowired
    ApplicationContext context;

    @Test
    void thereIsNoConsole() throws Exception {
      assertThat(context.containsBean("progressiveConsoleRoutes")).isFalse();
      for (String path : new String[] {"/progressive", "/progressive/", "/progressive/login", "/progressive/me",
          "/progressive/console.js"}) {
        mvc.perform(get(path).with(httpBasic(ConsoleTestApp.OPS, ConsoleTestApp.PASSWORD)))
            .andExpect(status().isNotFound());
      }
    }
  }

  @Nested
  @SpringBootTest(classes = ConsoleTestApp.class, properties = {
      "management.endpoints.web.exposure.include=toggles",
      "management.endpoints.web.base-path=/manage",
      "progressive.toggles.sources[0].location=console-flags.json",
      "progressive.toggles.open-feature.enabled=false",
      "progressive.console.enabled=true",
      "progressive.console.path=/ops/release"})
  @AutoConfigureMockMvc
  class AtAConfiguredPath {

    @Autowired
    MockMvc mvc;

    @Test
    void theConsoleAndItsLoginAreThereAndNotAtTheDefaultPath() throws Exception {
      mvc.perform(get("/ops/release/"))
          .andExpect(status().isFound())
          .andExpect(header().string("Location", endsWith("/ops/release/login")));
      mvc.perform(get("/ops/release/login"))
          .andExpect(status().isOk())
          .andExpect(header().string("Content-Security-Policy", ConsoleHeadersFilter.POLICY));
      mvc.perform(get("/ops/release").with(user(ConsoleTestApp.OPS).roles("PROGRESSIVE_ADMIN")))
          .andExpect(status().isFound())
          .andExpect(header().string("Location", "/ops/release/"));
      mvc.perform(get("/ops/release/").with(user(ConsoleTestApp.OPS).roles("PROGRESSIVE_ADMIN")))
          .andExpect(status().isOk())
          .andExpect(header().string("Content-Security-Policy", ConsoleHeadersFilter.POLICY));
      mvc.perform(get("/ops/release/me").with(user(ConsoleTestApp.OPS).roles("PROGRESSIVE_ADMIN")))
          .andExpect(status().isOk())
          .andExpect(jsonPath("$.actuator").value("/manage"))
          .andExpect(jsonPath("$.pollMillis").value(5000));
      mvc.perform(get("/progressive/").with(httpBasic(ConsoleTestApp.OPS, ConsoleTestApp.PASSWORD)))
          .andExpect(status().isNotFound());
    }
  }
}
