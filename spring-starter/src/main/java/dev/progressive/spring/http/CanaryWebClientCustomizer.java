package dev.progressive.spring.http;

import java.util.Objects;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.web.reactive.function.client.WebClient;

/** Adds the {@link CanaryExchangeFilter} of every configured client to each {@code WebClient.Builder}. */
public final class CanaryWebClientCustomizer implements WebClientCustomizer {

  private final CanaryHttpRouting routing;

  /** Customizes builders with the filter of {@code routing}. */
  public CanaryWebClientCustomizer(CanaryHttpRouting routing) {
    this.routing = Objects.requireNonNull(routing, "routing");
  }

  @Override
  public void customize(WebClient.Builder builder) {
    builder.filter(new CanaryExchangeFilter(routing));
  }
}
