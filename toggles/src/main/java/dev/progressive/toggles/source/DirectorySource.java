package dev.progressive.toggles.source;

import dev.progressive.toggles.internal.source.BoundedText;
import dev.progressive.toggles.internal.source.WatchedDocuments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Every flag file in a directory ({@code *.json}, {@code *.yaml}, {@code *.yml}, not hidden), merged into one set
 * and watched for changes. A key defined in two files is an error that names both files, and the directory's last
 * good set stays in force. Works on a mounted Kubernetes ConfigMap, whose files are symlinks.
 */
public final class DirectorySource implements FlagSource {

  private final Path directory;
  private final WatchedDocuments watched;

  private DirectorySource(Builder builder) {
    this.directory = builder.directory;
    this.watched = new WatchedDocuments(name(), this::read, builder.directory.toAbsolutePath(), builder.pollInterval,
        builder.debounce);
  }

  public static DirectorySource of(Path directory) {
    return builder(directory).build();
  }

  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  @Override
  public String name() {
    return "directory:" + directory;
  }

  @Override
  public List<FlagDocument> load() throws IOException {
    return watched.load();
  }

  /** Watches the directory's events and polls; reports only content that differs from the last report. */
  @Override
  public void watch(Listener listener) {
    watched.watch(listener);
  }

  @Override
  public void close() {
    watched.close();
  }

  private List<FlagDocument> read() throws IOException {
    if (!Files.exists(directory)) {
      throw new NoSuchFileException(directory.toString(), null, "flag directory does not exist");
    }
    if (!Files.isDirectory(directory)) {
      throw new NotDirectoryException(directory.toString());
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> entries = Files.list(directory)) {
      entries.filter(DirectorySource::isFlagFile).sorted().forEach(files::add);
    }
    List<FlagDocument> documents = new ArrayList<>(files.size());
    for (Path file : files) {
      documents.add(new FlagDocument(file.toString(), BoundedText.read(file)));
    }
    return List.copyOf(documents);
  }

  private static boolean isFlagFile(Path file) {
    String name = file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    return !name.startsWith(".") && Files.isRegularFile(file)
        && (lower.endsWith(".json") || lower.endsWith(".yaml") || lower.endsWith(".yml"));
  }

  @Override
  public String toString() {
    return name();
  }

  /** Builds a {@link DirectorySource}. */
  public static final class Builder {
    private final Path directory;
    private Duration pollInterval = Duration.ofSeconds(5);
    private Duration debounce = Duration.ofMillis(50);

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** How often the directory is read even without a change event. Default 5 s. */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = FileSource.positive(pollInterval, "pollInterval");
      return this;
    }

    /** How long events must pause before the directory is read. Default 50 ms. */
    public Builder debounce(Duration debounce) {
      this.debounce = FileSource.positive(debounce, "debounce");
      return this;
    }

    public DirectorySource build() {
      return new DirectorySource(this);
    }
  }
}
