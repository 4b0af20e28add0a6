package dev.progressive.spring.http;

import java.util.Objects;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.web.client.RestClient;

/** Adds the {@link CanaryHttpRouting} interceptor of every configured client to each {@code RestClient.Builder}. */
public final class CanaryRestClientCustomizer implements RestClientCustomizer {

  private final CanaryHttpRouting routing;

  /** Customizes builders with the interceptor of {@code routing}. */
  public CanaryRestClientCustomizer(CanaryHttpRouting routing) {
    this.routing = Objects.requireNonNull(routing, "routing");
  }

  @Override
  public void customize(RestClient.Builder builder) {
    builder.requestInterceptor(routing.interceptor());
  }
}
