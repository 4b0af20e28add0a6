package dev.progressive.spring.http;

import dev.progressive.canary.Canary;
import dev.progressive.spring.BaseUrlProperty;
import java.net.URI;
import java.util.Optional;
import org.springframework.core.env.PropertyResolver;

/**
 * One configured HTTP client: its canary, its base URLs as written (resolved against the environment on first use)
 * and its key header.
 */
final class RoutedClient {

  private final String name;
  private final Canary canary;
  private final BaseUrlProperty baselineUrl;
  private final BaseUrlProperty canaryUrl;
  private final String keyHeader;
  private volatile Urls urls;

  RoutedClient(String name, Canary canary, String rawBaselineUrl, String rawCanaryUrl, String keyHeader,
      PropertyResolver resolver) {
    this.name = name;
    this.canary = canary;
    this.baselineUrl = new BaseUrlProperty(property("baseline-url"), rawBaselineUrl, resolver);
    this.canaryUrl = new BaseUrlProperty(property("canary-url"), rawCanaryUrl, resolver);
    this.keyHeader = keyHeader;
  }

  String name() {
    return name;
  }

  Canary canary() {
    return canary;
  }

  String keyHeader() {
    return keyHeader;
  }

  String property(String leaf) {
    return CanaryHttpRouting.PREFIX + name + "." + leaf;
  }

  /**
   * Checks what can be checked before the application runs: URLs without placeholders, and URLs whose placeholders
   * resolve already. URLs whose placeholders are known only later ({@code ${local.server.port}}) are checked on
   * first use.
   *
   * @throws IllegalArgumentException naming the property at fault
   */
  void validateEarly() {
    Optional<String> baseline = baselineUrl.validateEarly().map(RoutedClient::withoutTrailingSlash);
    Optional<String> canaryBase = canaryUrl.validateEarly().map(RoutedClient::withoutTrailingSlash);
    if (baseline.isPresent() && baseline.equals(canaryBase)) {
      throw new IllegalArgumentException(property("canary-url") + " must differ from " + property("baseline-url")
          + ", both are " + baseline.get());
    }
  }

  /**
   * The base URLs, resolved and checked on the first call and then kept.
   *
   * @throws IllegalStateException naming the property when a placeholder cannot be resolved or the URL is invalid
   */
  Urls urls() {
    Urls resolved = urls;
    if (resolved == null) {
      resolved = new Urls(withoutTrailingSlash(baselineUrl.get()), withoutTrailingSlash(canaryUrl.get()));
      if (resolved.baseline().equals(resolved.canary())) {
        throw new IllegalStateException(property("canary-url") + " must differ from " + property("baseline-url")
            + ", both are " + resolved.baseline());
      }
      urls = resolved;
    }
    return resolved;
  }

  private static String withoutTrailingSlash(URI uri) {
    String text = uri.toString();
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return text;
  }

  /** Whether {@code uri} is the baseline URL or under it (a path, query or fragment follows it). */
  boolean matches(String uri) {
    String baseline = urls().baseline();
    if (!uri.startsWith(baseline)) {
      return false;
    }
    if (uri.length() == baseline.length()) {
      return true;
    }
    char next = uri.charAt(baseline.length());
    return next == '/' || next == '?' || next == '#';
  }

  /** The same request under the canary URL; only for a URI that {@link #matches}. */
  URI toCanary(String uri) {
    Urls resolved = urls();
    return URI.create(resolved.canary() + uri.substring(resolved.baseline().length()));
  }

  /** The base URLs in force. */
  record Urls(String baseline, String canary) {}
}
