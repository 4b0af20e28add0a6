package dev.progressive.toggles.internal.source;

import dev.progressive.toggles.source.FlagDocument;
import dev.progressive.toggles.source.FlagSource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The watching shared by file and directory sources, which hold one each: on every possible change, read again and
 * report only what differs from the last report, so that a poll that finds nothing new costs one read and no
 * compilation.
 */
public final class WatchedDocuments {

  /** Reads a source's documents. */
  @FunctionalInterface
  public interface Reader {
    List<FlagDocument> read() throws IOException;
  }

  private final String name;
  private final Reader reader;
  private final Path watchedDirectory;
  private final Duration pollInterval;
  private final Duration debounce;
  private final Object lock = new Object();
  private PathWatcher watcher;
  private List<FlagDocument> lastReported;
  private String lastFailure;
  private boolean closed;

  /**
   * @param name the source's name, for the watcher's thread
   * @param reader reads the documents
   * @param watchedDirectory the directory whose events trigger a read
   */
  public WatchedDocuments(String name, Reader reader, Path watchedDirectory, Duration pollInterval,
      Duration debounce) {
    this.name = Objects.requireNonNull(name, "name");
    this.reader = Objects.requireNonNull(reader, "reader");
    this.watchedDirectory = watchedDirectory;
    this.pollInterval = pollInterval;
    this.debounce = debounce;
  }

  /** Reads the documents and records them as the last report, for {@link FlagSource#load()}. */
  public List<FlagDocument> load() throws IOException {
    List<FlagDocument> documents = reader.read();
    synchronized (lock) {
      lastReported = documents;
      lastFailure = null;
    }
    return documents;
  }

  /** Starts watching, for {@link FlagSource#watch}; does nothing once started or closed. */
  public void watch(FlagSource.Listener listener) {
    synchronized (lock) {
      if (closed || watcher != null) {
        return;
      }
      watcher = new PathWatcher("progressive-flags-" + name, watchedDirectory, pollInterval, debounce,
          () -> check(listener));
      watcher.start();
    }
  }

  private void check(FlagSource.Listener listener) {
    List<FlagDocument> documents;
    try {
      documents = reader.read();
    } catch (IOException | RuntimeException | Error e) {
      if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
        throw (VirtualMachineError) e;
      }
      String message = String.valueOf(e);
      boolean report;
      synchronized (lock) {
        report = !message.equals(lastFailure);
        lastFailure = message;
        lastReported = null;
      }
      if (report) {
        listener.failed(e instanceof Exception ex ? ex : new IOException("reading failed: " + e, e));
      }
      return;
    }
    boolean report;
    synchronized (lock) {
      report = !Objects.equals(documents, lastReported);
      lastReported = documents;
      lastFailure = null;
    }
    if (report) {
      listener.changed(documents);
    }
  }

  /** Stops watching, for {@link FlagSource#close()}. Idempotent. */
  public void close() {
    PathWatcher w;
    synchronized (lock) {
      closed = true;
      w = watcher;
      watcher = null;
    }
    if (w != null) {
      w.close();
    }
  }
}
