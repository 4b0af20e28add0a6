package dev.progressive.spring.shadow;

import dev.progressive.spring.StarterAutoConfigurations;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.progressive.parallelrun.ComparisonOutcome;
import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.parallelrun.http.ShadowRequest;
import dev.progressive.parallelrun.http.ShadowResponse;
import dev.progressive.parallelrun.http.ShadowResult;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;

/** The candidate and secondary base URLs of HTTP shadowing: checked at startup where they can be, else on use. */
class ProgressiveShadowAutoConfigurationTest {

  private static final String CANDIDATE = "progressive.parallel-run.shadow.candidate";
  private static WireMockServer candidate;

  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(StarterAutoConfigurations.features())
      .withPropertyValues("progressive.toggles.enabled=false",
          // Generous: the shadow's timeout is not what these tests check, and a loaded machine is slow to connect.
          "progressive.parallel-run.shadow.timeout=60s",
          "progressive.parallel-run.shadow.routes[0].name=orders",
          "progressive.parallel-run.shadow.routes[0].path=/orders/*");

  @BeforeAll
  static void start() {
    candidate = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    candidate.start();
    candidate.stubFor(get(urlEqualTo("/v2/orders/1?x=1")).willReturn(aResponse().withStatus(200).withBody("same")));
  }

  @AfterAll
  static void stop() {
    candidate.stop();
  }

  private static ShadowResult shadowOne(HttpShadow shadow) throws Exception {
    return shadow.shadow(ShadowRequest.of("GET", "/orders/1?x=1"),
        new ShadowResponse(200, Map.of(), "same".getBytes())).get(2, TimeUnit.MINUTES);
  }

  @Test
  void anInvalidUrlWithoutPlaceholdersFailsTheStartupNamingTheProperty() {
    for (String bad : new String[] {"ftp://orders-v2:8080", "http://orders v2:8080", "/v2", "http://orders-v2/v2?a=b",
        "  "}) {
      runner.withPropertyValues(CANDIDATE + "=" + bad).run(context -> assertThat(context).as(bad).getFailure()
          .rootCause().hasMessageContaining(CANDIDATE));
    }
    runner.withPropertyValues(CANDIDATE + "=http://orders-v2:8080", "progressive.parallel-run.shadow.secondary=x:y")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("progressive.parallel-run.shadow.secondary"));
  }

  @Test
  void aPlaceholderThatResolvesAtStartupIsCheckedThere() {
    runner.withPropertyValues(CANDIDATE + "=http://${orders.host}/v2", "orders.host=bad host")
        .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining(CANDIDATE)
            .hasMessageContaining("bad host"));
    runner.withPropertyValues(CANDIDATE + "=http://${orders.host}/v2", "orders.host=orders-v2:8080")
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(HttpShadow.class));
  }

  @Test
  void aPlaceholderKnownOnlyLaterIsResolvedOnUseAndUntilThenEachShadowFailsNamingTheProperty() {
    runner.withPropertyValues(CANDIDATE + "=http://127.0.0.1:${later.port}/v2").run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(HttpShadow.class).hasSingleBean(ShadowFilter.class);
      HttpShadow shadow = context.getBean(HttpShadow.class);

      ShadowResult early = shadowOne(shadow);
      assertThat(early.outcome()).isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
      assertThat(early.failure()).hasMessageContaining(CANDIDATE).hasMessageContaining("later.port");
      candidate.verify(0, getRequestedFor(urlEqualTo("/v2/orders/1?x=1")));

      context.getEnvironment().getPropertySources()
          .addFirst(new MapPropertySource("later", Map.of("later.port", candidate.port())));
      assertThat(shadowOne(shadow).outcome()).isEqualTo(ComparisonOutcome.MATCH);
      candidate.verify(1, getRequestedFor(urlEqualTo("/v2/orders/1?x=1")));
    });
  }

  @Test
  void aLaterPlaceholderThatResolvesToAnInvalidUrlFailsEachShadowNamingTheProperty() {
    runner.withPropertyValues(CANDIDATE + "=${later.url}").run(context -> {
      assertThat(context).hasNotFailed();
      context.getEnvironment().getPropertySources()
          .addFirst(new MapPropertySource("later", Map.of("later.url", "http://127.0.0.1:1/v2#frag")));
      ShadowResult result = shadowOne(context.getBean(HttpShadow.class));
      assertThat(result.outcome()).isEqualTo(ComparisonOutcome.CANDIDATE_ERROR);
      assertThat(result.failure()).isInstanceOf(IllegalStateException.class).hasMessageContaining(CANDIDATE)
          .hasMessageContaining("without query or fragment");
    });
  }
}
