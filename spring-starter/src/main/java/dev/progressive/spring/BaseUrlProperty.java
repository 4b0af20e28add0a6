package dev.progressive.spring;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.core.env.PropertyResolver;

/**
 * A base URL as written in a property, such as
 * {@code progressive.parallel-run.shadow.candidate=http://localhost:${local.server.port}/v2} or a canary HTTP client's
 * {@code baseline-url}, whose {@code ${...}} placeholders are resolved against the environment when it is first
 * needed, so that values known only once the application runs (the port of the embedded server) can be used. It must
 * be an absolute http or https URL with a host and without query or fragment. What can be checked at startup is
 * checked there ({@link #validateEarly()}); the resolved URL is kept once it is valid.
 */
public final class BaseUrlProperty implements Supplier<URI> {

  private final String property;
  private final String raw;
  private final PropertyResolver resolver;
  private volatile URI resolved;

  /**
   * A base URL.
   *
   * @param property the property it comes from, named in errors
   * @param raw its value as written, placeholders unresolved
   * @param resolver resolves placeholders (the application's environment)
   */
  public BaseUrlProperty(String property, String raw, PropertyResolver resolver) {
    this.property = Objects.requireNonNull(property, "property");
    this.raw = Objects.requireNonNull(raw, "raw").trim();
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }

  /**
   * Checks the URL when it has no placeholder or when its placeholders resolve already; a URL whose placeholders are
   * known only later is checked on first use.
   *
   * @return the URL when it could be checked now, empty when its placeholders are known only later
   * @throws IllegalArgumentException naming the property when the URL is blank or not a valid base URL
   */
  public Optional<URI> validateEarly() {
    if (raw.isEmpty()) {
      throw new IllegalArgumentException(property + " must not be blank: give the base URL, such as "
          + "http://orders-v2:8080");
    }
    String value = raw;
    if (raw.contains("${")) {
      try {
        value = resolver.resolveRequiredPlaceholders(raw);
      } catch (IllegalArgumentException notYet) {
        return Optional.empty();
      }
    }
    return Optional.of(parse(value, IllegalArgumentException::new));
  }

  /**
   * The URL, resolved and checked on the first call and then kept.
   *
   * @throws IllegalStateException naming the property when a placeholder cannot be resolved or the URL is invalid;
   *     a later call tries again
   */
  @Override
  public URI get() {
    URI uri = resolved;
    if (uri == null) {
      String value;
      try {
        value = resolver.resolveRequiredPlaceholders(raw);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(property + " '" + raw + "' has a placeholder that cannot be resolved: "
            + e.getMessage(), e);
      }
      uri = parse(value, IllegalStateException::new);
      resolved = uri;
    }
    return uri;
  }

  /** The property this URL comes from. */
  public String property() {
    return property;
  }

  @Override
  public String toString() {
    return raw;
  }

  private URI parse(String value, Function<String, RuntimeException> error) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw error.apply(property + " is not a valid URL: '" + value + "' (" + e.getMessage() + ")");
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getHost() == null) {
      throw error.apply(property + " must be an absolute http or https URL with a host, was '" + value + "'");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw error.apply(property + " must be a base URL without query or fragment, was '" + value + "'");
    }
    return uri;
  }
}
