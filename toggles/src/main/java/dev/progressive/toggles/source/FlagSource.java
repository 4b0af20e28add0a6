package dev.progressive.toggles.source;

import java.io.IOException;
import java.util.List;

/**
 * Where flag definitions come from: a file, a directory, the classpath, a string in memory, an HTTP server. A source
 * only reads documents; parsing, validation and compilation happen in {@link dev.progressive.toggles.Toggles}, the
 * same for every source, and a refused document never replaces the source's last good one.
 *
 * <p>Implement it for a source of your own. {@link #load()} is called once at start; {@link #watch} then lets the
 * source report changes from its own thread.
 */
public interface FlagSource extends AutoCloseable {

  /** A name for logs, health and read APIs, e.g. {@code file:/etc/flags/flags.json}. */
  String name();

  /**
   * Reads the current documents.
   *
   * @return the documents, each with its origin (used in error messages) and content
   * @throws IOException when they cannot be read; the source's last good definitions stay in force
   */
  List<FlagDocument> load() throws IOException;

  /**
   * Starts reporting changes. Called once, after the first {@link #load()}. The default watches nothing: the
   * source is read once.
   */
  default void watch(Listener listener) {}

  /**
   * Told after every read of this source, from {@link #load()} or through the listener, whether its documents were
   * applied (every flag valid) or refused. A source that keeps a copy of its last good documents, such as a backup
   * file, keeps only applied ones. The default does nothing. Called on the thread that applied them.
   */
  default void applied(List<FlagDocument> documents, boolean accepted) {}

  /** Stops watching and releases threads and handles. Idempotent. */
  @Override
  default void close() {}

  /** Receives what a watching source reads. Calls come from the source's own thread, one at a time. */
  interface Listener {

    /** The source read new content. It may equal the previous content; the receiver compares. */
    void changed(List<FlagDocument> documents);

    /** The source could not read its content. */
    void failed(Exception cause);
  }
}
