package dev.progressive.toggles.hostile;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.progressive.toggles.source.FlagDocument;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.source.HttpSource;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, part 1: the HTTP poller is a scheduled task, which the JDK never runs again once it throws. An Error
 * from applying a document must not stop the polling.
 */
class HttpPollerSurvivesTest {

  private WireMockServer server;

  @BeforeEach
  void start() {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private void serve(String body) {
    server.resetMappings();
    server.stubFor(get(urlPathEqualTo("/flags")).willReturn(okJson(body)));
  }

  @Test
  void anErrorFromApplyingADocumentDoesNotStopThePolling() throws Exception {
    serve(HostileDocs.good(true));
    HttpSource source = HttpSource.builder(URI.create("http://127.0.0.1:" + server.port() + "/flags"))
        .pollInterval(Duration.ofMillis(50)).timeout(Duration.ofSeconds(3)).retry(1, Duration.ofMillis(10))
        .circuitBreaker(CircuitBreakerConfig.custom().slidingWindowSize(1000).minimumNumberOfCalls(1000).build())
        .build();
    try (source) {
      source.load();
      BlockingQueue<String> applied = new LinkedBlockingQueue<>();
      AtomicInteger calls = new AtomicInteger();
      source.watch(new FlagSource.Listener() {
        @Override
        public void changed(List<FlagDocument> documents) {
          if (calls.incrementAndGet() == 1) {
            throw new StackOverflowError("what a hostile document once did to the compiler");
          }
          applied.add(documents.get(0).content());
        }

        @Override
        public void failed(Exception cause) {
          // a failure to report is part of the survival; nothing to record
        }
      });
      serve(HostileDocs.good(false));
      String next = applied.poll(20, TimeUnit.SECONDS);
      assertThat(next).as("a document applied after the Error").isNotNull();
      assertThat(calls.get()).isGreaterThanOrEqualTo(2);
    }
  }
}
