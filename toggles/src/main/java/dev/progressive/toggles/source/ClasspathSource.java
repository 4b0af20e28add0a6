package dev.progressive.toggles.source;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/** A flag document on the classpath, read once at start. */
public final class ClasspathSource implements FlagSource {

  private final String resource;
  private final ClassLoader classLoader;

  private ClasspathSource(String resource, ClassLoader classLoader) {
    this.resource = resource.startsWith("/") ? resource.substring(1) : resource;
    this.classLoader = classLoader;
  }

  /** The resource, e.g. {@code flags.json} or {@code config/flags.yaml}, from the thread's context class loader. */
  public static ClasspathSource of(String resource) {
    Objects.requireNonNull(resource, "resource");
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return new ClasspathSource(resource, cl != null ? cl : ClasspathSource.class.getClassLoader());
  }

  /** The resource from the given class loader. */
  public static ClasspathSource of(String resource, ClassLoader classLoader) {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(classLoader, "classLoader");
    return new ClasspathSource(resource, classLoader);
  }

  @Override
  public String name() {
    return "classpath:" + resource;
  }

  @Override
  public List<FlagDocument> load() throws IOException {
    try (InputStream in = classLoader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new FileNotFoundException("no classpath resource " + resource);
      }
      return List.of(new FlagDocument(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    }
  }

  @Override
  public String toString() {
    return name();
  }
}
