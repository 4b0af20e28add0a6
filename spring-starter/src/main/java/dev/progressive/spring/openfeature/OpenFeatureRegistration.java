package dev.progressive.spring.openfeature;

import dev.openfeature.sdk.FeatureProvider;
import dev.openfeature.sdk.NoOpProvider;
import dev.openfeature.sdk.OpenFeatureAPI;
import java.util.Objects;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * Registers a provider with {@link OpenFeatureAPI} when the context starts (as the default provider, or under a
 * domain), waiting until it is ready, and unregisters it when the context closes if it is still the one registered,
 * so that a closed context leaves no provider of its own behind in the JVM-wide API.
 */
public class OpenFeatureRegistration implements InitializingBean, DisposableBean {

  private final OpenFeatureAPI api;
  private final FeatureProvider provider;
  private final String domain;

  /**
   * Creates the registration.
   *
   * @param api the API to register with
   * @param provider the provider
   * @param domain the domain, or null for the default provider
   */
  public OpenFeatureRegistration(OpenFeatureAPI api, FeatureProvider provider, String domain) {
    this.api = Objects.requireNonNull(api, "api");
    this.provider = Objects.requireNonNull(provider, "provider");
    this.domain = domain == null || domain.isBlank() ? null : domain;
  }

  /** The domain the provider is registered under, or null when it is the default provider. */
  public String domain() {
    return domain;
  }

  @Override
  public void afterPropertiesSet() {
    if (domain == null) {
      api.setProviderAndWait(provider);
    } else {
      api.setProviderAndWait(domain, provider);
    }
  }

  @Override
  public void destroy() {
    FeatureProvider current = domain == null ? api.getProvider() : api.getProvider(domain);
    if (current == provider) {
      if (domain == null) {
        api.setProvider(new NoOpProvider());
      } else {
        api.setProvider(domain, new NoOpProvider());
      }
    }
  }
}
