package dev.progressive.parallelrun.http;

import dev.progressive.parallelrun.diff.DiffOptions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which requests are shadowed and how their responses are compared. A route has a name (the endpoint in reports and
 * the {@code experiment} meter tag, so keep it bounded), a path pattern, the methods it sends, the headers it
 * compares and the {@link DiffOptions} for the JSON body. Only {@code GET} and {@code HEAD} are sent unless other
 * methods are allowed explicitly with {@link Builder#allowUnsafeMethods(String...)}.
 */
public final class ShadowRoute {

  private final String name;
  private final String pathPattern;
  private final Pattern compiled;
  private final Set<String> methods;
  private final List<String> comparedHeaders;
  private final DiffOptions diffOptions;

  private ShadowRoute(Builder builder) {
    this.name = builder.name;
    this.pathPattern = builder.pathPattern;
    this.compiled = glob(builder.pathPattern);
    this.methods = Set.copyOf(builder.methods);
    this.comparedHeaders = List.copyOf(builder.headers);
    this.diffOptions = builder.diffOptions;
  }

  /**
   * Starts a route.
   *
   * @param name the endpoint's name, such as {@code get-order}
   * @param pathPattern a path where {@code *} is one segment and {@code **} any number, such as {@code /orders/*}
   * @return a builder
   */
  public static Builder builder(String name, String pathPattern) {
    return new Builder(name, pathPattern);
  }

  /** The endpoint's name. */
  public String name() {
    return name;
  }

  /** The path pattern, as given. */
  public String pathPattern() {
    return pathPattern;
  }

  /** The methods sent to the candidate. */
  public Set<String> methods() {
    return methods;
  }

  /** The response headers compared, in lowercase. */
  public List<String> comparedHeaders() {
    return comparedHeaders;
  }

  /** How JSON bodies are compared. */
  public DiffOptions diffOptions() {
    return diffOptions;
  }

  boolean matchesPath(String path) {
    return compiled.matcher(path).matches();
  }

  boolean allows(String method) {
    return methods.contains(method.toUpperCase(Locale.ROOT));
  }

  private static Pattern glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
        regex.append(".*");
        i += 2;
      } else if (c == '*') {
        regex.append("[^/]*");
        i++;
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
        i++;
      }
    }
    return Pattern.compile(regex.toString());
  }

  @Override
  public String toString() {
    return "ShadowRoute[" + name + " " + methods + " " + pathPattern + "]";
  }

  /** Builds a {@link ShadowRoute}. Every setter checks its argument at once. */
  public static final class Builder {
    private static final Set<String> SAFE = Set.of("GET", "HEAD");

    private final String name;
    private final String pathPattern;
    private final Set<String> methods = new LinkedHashSet<>(SAFE);
    private final Set<String> headers = new LinkedHashSet<>();
    private DiffOptions diffOptions = DiffOptions.defaults();

    private Builder(String name, String pathPattern) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(pathPattern, "pathPattern");
      if (name.isBlank()) {
        throw new IllegalArgumentException("A route's name must not be blank");
      }
      if (!pathPattern.startsWith("/")) {
        throw new IllegalArgumentException("A path pattern must start with '/', was '" + pathPattern + "'");
      }
      this.name = name;
      this.pathPattern = pathPattern;
    }

    /**
     * Opts this route in to sending methods that are not safe, such as {@code POST}. Do so only when the candidate
     * cannot cause side effects (it writes to a copy, or honours {@code X-Progressive-Shadow: true}).
     *
     * @param unsafe the methods
     * @return this builder
     */
    public Builder allowUnsafeMethods(String... unsafe) {
      for (String method : unsafe) {
        Objects.requireNonNull(method, "method");
        methods.add(method.toUpperCase(Locale.ROOT));
      }
      return this;
    }

    /**
     * Compares these response headers (case-insensitive).
     *
     * @param names header names, such as {@code content-type}
     * @return this builder
     */
    public Builder compareHeaders(String... names) {
      for (String header : names) {
        Objects.requireNonNull(header, "header");
        headers.add(header.toLowerCase(Locale.ROOT));
      }
      return this;
    }

    /**
     * How JSON bodies are compared: ignored paths (relative to the body), numeric tolerance, array order.
     *
     * @param options the options
     * @return this builder
     */
    public Builder diffOptions(DiffOptions options) {
      this.diffOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Builds the route. */
    public ShadowRoute build() {
      return new ShadowRoute(this);
    }
  }
}
