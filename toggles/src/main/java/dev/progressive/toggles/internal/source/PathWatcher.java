package dev.progressive.toggles.internal.source;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a directory on one daemon thread and calls back when something in it may have changed.
 *
 * <p>It watches the directory, not a file, because the ways files change in production replace the file rather
 * than write into it: an editor's rename-on-save, a file deleted and created again, and a Kubernetes ConfigMap,
 * whose files are symlinks through a {@code ..data} link that is swapped atomically. After a burst of events it waits
 * a short debounce, so a file written in several steps is read once. It also calls back every poll interval, which
 * catches what a file system does not report (network mounts, a directory created later) and makes a missed event
 * cost at most one interval.
 */
public final class PathWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PathWatcher.class);

  private final Path directory;
  private final Duration pollInterval;
  private final Duration debounce;
  private final Runnable onPossibleChange;
  private final Thread thread;
  private volatile boolean closed;
  private WatchService watchService;
  private WatchKey key;

  public PathWatcher(String threadName, Path directory, Duration pollInterval, Duration debounce,
      Runnable onPossibleChange) {
    this.directory = directory;
    this.pollInterval = pollInterval;
    this.debounce = debounce;
    this.onPossibleChange = onPossibleChange;
    this.thread = new Thread(this::run, threadName);
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    try {
      watchService = directory.getFileSystem().newWatchService();
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("Cannot watch {}; polling it every {} instead", directory, pollInterval, e);
    }
    while (!closed) {
      try {
        register();
        boolean event = awaitEvent(pollInterval);
        if (event) {
          // Let a burst of events (write, rename, symlink swap) settle, then read once.
          while (!closed && awaitEvent(debounce)) {
            // keep draining
          }
        }
        if (!closed) {
          onPossibleChange.run();
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        break;
      } catch (Throwable e) { // NOPMD: the thread must outlive whatever a change does, even an Error
        // The callback reports its own failures to health; this only keeps the thread alive for the next change.
        LOG.error("Watching {} failed; watching goes on", directory, e);
      }
    }
  }

  private void register() {
    if (watchService == null || (key != null && key.isValid())) {
      return;
    }
    if (!Files.isDirectory(directory)) {
      key = null;
      return;
    }
    try {
      key = directory.register(watchService, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
    } catch (IOException e) {
      key = null;
      LOG.debug("Cannot register a watch on {} yet", directory, e);
    }
  }

  private boolean awaitEvent(Duration timeout) throws InterruptedException {
    if (watchService == null || key == null) {
      Thread.sleep(Math.max(1, timeout.toMillis()));
      return false;
    }
    WatchKey k = watchService.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (k == null) {
      return false;
    }
    k.pollEvents();
    if (!k.reset()) {
      key = null;
    }
    return true;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    if (watchService != null) {
      try {
        watchService.close();
      } catch (IOException e) {
        LOG.debug("Closing the watch service of {}", directory, e);
      }
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the watching thread is still running; for tests of {@link #close()}. */
  public boolean isAlive() {
    return thread.isAlive();
  }
}
