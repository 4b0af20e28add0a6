package dev.progressive.spring.toggles;

import dev.progressive.spring.toggles.ProgressiveTogglesProperties.Source;
import dev.progressive.toggles.source.ClasspathSource;
import dev.progressive.toggles.source.DirectorySource;
import dev.progressive.toggles.source.FileSource;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.source.HttpSource;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Builds the {@link FlagSource} of one entry of {@code progressive.toggles.sources}, and refuses an entry that lacks
 * its type or location with an error that names the property.
 */
final class FlagSourceFactory {

  private final ClassLoader classLoader;

  /**
   * Creates the factory.
   *
   * @param classLoader where classpath sources are read from
   */
  FlagSourceFactory(ClassLoader classLoader) {
    this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
  }

  /**
   * Builds the source of {@code progressive.toggles.sources[index]}.
   *
   * @param source the entry
   * @param index its place in the list, for messages
   * @return the source, not yet started
   * @throws IllegalArgumentException naming the property that is missing or wrong
   */
  FlagSource create(Source source, int index) {
    String property = "progressive.toggles.sources[" + index + "]";
    if (source.getType() == null) {
      throw new IllegalArgumentException(property + ".type must be classpath, file, directory or http");
    }
    String location = source.getLocation();
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException(property + ".location is required");
    }
    return switch (source.getType()) {
      case CLASSPATH -> classpath(location);
      case FILE -> file(source, location);
      case DIRECTORY -> directory(source, location);
      case HTTP -> http(source, location, property);
    };
  }

  private FlagSource classpath(String location) {
    String resource = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
    while (resource.startsWith("/")) {
      resource = resource.substring(1);
    }
    return ClasspathSource.of(resource, classLoader);
  }

  private static FlagSource file(Source source, String location) {
    FileSource.Builder file = FileSource.builder(Path.of(location));
    if (source.getPollInterval() != null) {
      file.pollInterval(source.getPollInterval());
    }
    if (source.getDebounce() != null) {
      file.debounce(source.getDebounce());
    }
    return file.build();
  }

  private static FlagSource directory(Source source, String location) {
    DirectorySource.Builder directory = DirectorySource.builder(Path.of(location));
    if (source.getPollInterval() != null) {
      directory.pollInterval(source.getPollInterval());
    }
    if (source.getDebounce() != null) {
      directory.debounce(source.getDebounce());
    }
    return directory.build();
  }

  private static FlagSource http(Source source, String location, String property) {
    URI uri;
    try {
      uri = URI.create(location);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(property + ".location is not a URL: " + location, e);
    }
    HttpSource.Builder http = HttpSource.builder(uri);
    if (source.getPollInterval() != null) {
      http.pollInterval(source.getPollInterval());
    }
    if (source.getTimeout() != null) {
      http.timeout(source.getTimeout());
    }
    source.getHeaders().forEach(http::header);
    if (source.getBackupFile() != null && !source.getBackupFile().isBlank()) {
      http.backupFile(Path.of(source.getBackupFile()));
    }
    return http.build();
  }
}
