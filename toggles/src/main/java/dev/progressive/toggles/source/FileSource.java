package dev.progressive.toggles.source;

import dev.progressive.toggles.internal.source.BoundedText;
import dev.progressive.toggles.internal.source.WatchedDocuments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A flag file, JSON or YAML, watched for changes.
 *
 * <p>It survives how files change in production: an editor's rename-on-save, a file deleted and created again, and
 * a Kubernetes ConfigMap's {@code ..data} symlink swap. While the file is missing or unreadable, the last good
 * definitions stay in force and the source's health is DOWN.
 *
 * <pre>{@code
 * FileSource flags = FileSource.builder(Path.of("/etc/flags/flags.json")).pollInterval(Duration.ofSeconds(5)).build();
 * }</pre>
 */
public final class FileSource implements FlagSource {

  private final Path file;
  private final WatchedDocuments watched;

  private FileSource(Builder b) {
    this.file = b.file;
    this.watched = new WatchedDocuments(name(), this::read, parentOf(b.file), b.pollInterval, b.debounce);
  }

  /** A watched file with the default intervals. */
  public static FileSource of(Path file) {
    return builder(file).build();
  }

  public static Builder builder(Path file) {
    return new Builder(file);
  }

  private static Path parentOf(Path file) {
    Path absolute = file.toAbsolutePath();
    return absolute.getParent() != null ? absolute.getParent() : absolute;
  }

  @Override
  public String name() {
    return "file:" + file;
  }

  @Override
  public List<FlagDocument> load() throws IOException {
    return watched.load();
  }

  /** Watches the parent directory's events and polls; reports only content that differs from the last report. */
  @Override
  public void watch(Listener listener) {
    watched.watch(listener);
  }

  @Override
  public void close() {
    watched.close();
  }

  private List<FlagDocument> read() throws IOException {
    return List.of(new FlagDocument(file.toString(), BoundedText.read(file)));
  }

  @Override
  public String toString() {
    return name();
  }

  /** Builds a {@link FileSource}. */
  public static final class Builder {
    private final Path file;
    private Duration pollInterval = Duration.ofSeconds(5);
    private Duration debounce = Duration.ofMillis(50);

    private Builder(Path file) {
      this.file = Objects.requireNonNull(file, "file");
    }

    /**
     * How often the file is read even without a change event; a safety net for file systems that report nothing.
     * Default 5 s.
     */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = positive(pollInterval, "pollInterval");
      return this;
    }

    /** How long events must pause before the file is read. Default 50 ms. */
    public Builder debounce(Duration debounce) {
      this.debounce = positive(debounce, "debounce");
      return this;
    }

    public FileSource build() {
      return new FileSource(this);
    }
  }

  static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }
}
