package dev.progressive.spring.http;

import dev.progressive.canary.Canary;
import java.net.URI;
import org.springframework.core.env.PropertyResolver;

/**
 * One configured HTTP client: its canary, its base URLs as written (resolved against the environment on first use)
 * and its key header.
 */
final class RoutedClient {

  private final String name;
  private final Canary canary;
  private final String rawBaselineUrl;
  private final String rawCanaryUrl;
  private final String keyHeader;
  private final PropertyResolver resolver;
  private volatile Urls urls;

  RoutedClient(String name, Canary canary, String rawBaselineUrl, String rawCanaryUrl, String keyHeader,
      PropertyResolver resolver) {
    this.name = name;
    this.canary = canary;
    this.rawBaselineUrl = rawBaselineUrl;
    this.rawCanaryUrl = rawCanaryUrl;
    this.keyHeader = keyHeader;
    this.resolver = resolver;
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
    String baseline = resolveIfPossible(rawBaselineUrl);
    String canaryUrl = resolveIfPossible(rawCanaryUrl);
    String checkedBaseline = baseline == null ? null : normalize(baseline, property("baseline-url"));
    String checkedCanary = canaryUrl == null ? null : normalize(canaryUrl, property("canary-url"));
    if (checkedBaseline != null && checkedBaseline.equals(checkedCanary)) {
      throw new IllegalArgumentException(property("canary-url") + " must differ from " + property("baseline-url")
          + ", both are " + checkedBaseline);
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
      String baseline = resolve(rawBaselineUrl, property("baseline-url"));
      String canaryUrl = resolve(rawCanaryUrl, property("canary-url"));
      try {
        resolved = new Urls(normalize(baseline, property("baseline-url")), normalize(canaryUrl,
            property("canary-url")));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
      if (resolved.baseline().equals(resolved.canary())) {
        throw new IllegalStateException(property("canary-url") + " must differ from " + property("baseline-url")
            + ", both are " + resolved.baseline());
      }
      urls = resolved;
    }
    return resolved;
  }

  private String resolveIfPossible(String raw) {
    if (!raw.contains("${")) {
      return raw;
    }
    try {
      return resolver.resolveRequiredPlaceholders(raw);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private String resolve(String raw, String property) {
    if (!raw.contains("${")) {
      return raw;
    }
    try {
      return resolver.resolveRequiredPlaceholders(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(property + " '" + raw + "' has a placeholder that cannot be resolved yet: "
          + e.getMessage(), e);
    }
  }

  /**
   * An absolute http or https URL without query or fragment, without a trailing slash.
   *
   * @throws IllegalArgumentException naming the property when it is not one
   */
  static String normalize(String url, String property) {
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(property + " is not a valid URL: '" + url + "' (" + e.getMessage() + ")",
          e);
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(property + " must be an absolute http or https URL with a host, was '"
          + url + "'");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(property + " must be a base URL without query or fragment, was '" + url
          + "'");
    }
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
