package dev.progressive.toggles.internal.source;

import dev.progressive.toggles.internal.source.BoundedText;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * The file where a remote source keeps its last applied document: written atomically (a temporary file moved over
 * it), skipped when it holds that content already, and read back when the server cannot be reached at start. Not
 * thread-safe: its source calls it under its own lock.
 */
public final class BackupFile {

  private final Path path;
  private final String sourceName;
  private final Logger log;
  /** The content last written to (or read from) the file. */
  private String backedUp;

  /**
   * A backup file.
   *
   * @param path the file
   * @param sourceName the source's name for logs, without secrets
   * @param log where a failed write is logged, at WARN
   */
  public BackupFile(Path path, String sourceName, Logger log) {
    this.path = Objects.requireNonNull(path, "path");
    this.sourceName = Objects.requireNonNull(sourceName, "sourceName");
    this.log = Objects.requireNonNull(log, "log");
  }

  /** The file. */
  public Path path() {
    return path;
  }

  /** Whether the file exists, as a regular file. */
  public boolean exists() {
    return Files.isRegularFile(path);
  }

  /**
   * Reads the file, and remembers its content as what it holds.
   *
   * @return the content
   * @throws IOException when it cannot be read
   */
  public String read() throws IOException {
    String content = BoundedText.read(path);
    backedUp = content;
    return content;
  }

  /** Writes a valid document, atomically, unless the file holds it already; a failure is logged, never thrown. */
  public void write(String content) {
    if (content.equals(backedUp)) {
      return;
    }
    Path dir = path.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, path, ATOMIC_MOVE, REPLACE_EXISTING);
      backedUp = content;
    } catch (IOException | RuntimeException e) {
      log.warn("Cannot write the backup of flag source {} to {}: {}", sourceName, path, e.toString());
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // Nothing more to do: the next good document tries again.
        }
      }
    }
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
