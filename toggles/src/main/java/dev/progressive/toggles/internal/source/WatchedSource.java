package dev.progressive.toggles.internal.source;

import dev.progressive.toggles.source.FlagDocument;
import dev.progressive.toggles.source.FlagSource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The watching shared by file and directory sources: on every possible change, read again and report only what
 * differs from the last report, so that a poll that finds nothing new costs one read and no compilation.
 */
public abstract class WatchedSource implements FlagSource {

  private final Path watchedDirectory;
  private final Duration pollInterval;
  private final Duration debounce;
  private final Object lock = new Object();
  private PathWatcher watcher;
  private List<FlagDocument> lastReported;
  private String lastFailure;
  private boolean closed;

  protected WatchedSource(Path watchedDirectory, Duration pollInterval, Duration debounce) {
    this.watchedDirectory = watchedDirectory;
    this.pollInterval = pollInterval;
    this.debounce = debounce;
  }

  /** Reads the documents; the same as {@link #load()}, which records what it read. */
  protected abstract List<FlagDocument> read() throws IOException;

  @Override
  public final List<FlagDocument> load() throws IOException {
    List<FlagDocument> documents = read();
    synchronized (lock) {
      lastReported = documents;
      lastFailure = null;
    }
    return documents;
  }

  @Override
  public final void watch(Listener listener) {
    synchronized (lock) {
      if (closed || watcher != null) {
        return;
      }
      watcher = new PathWatcher("progressive-flags-" + name(), watchedDirectory, pollInterval, debounce,
          () -> check(listener));
      watcher.start();
    }
  }

  private void check(Listener listener) {
    List<FlagDocument> documents;
    try {
      documents = read();
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

  @Override
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
