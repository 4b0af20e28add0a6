package dev.progressive.toggles.source;

import java.util.List;
import java.util.Objects;

/**
 * Flags from a string in memory: for tests, and for code that builds its definitions itself. {@link #update}
 * replaces them at runtime, validated like any other source.
 *
 * <pre>{@code
 * InMemorySource flags = InMemorySource.of("""
 *     {"flags": {"new-menu": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"}}}
 *     """);
 * }</pre>
 */
public final class InMemorySource implements FlagSource {

  private final String name;
  private volatile String content;
  private volatile Listener listener;

  private InMemorySource(String name, String content) {
    this.name = name;
    this.content = content;
  }

  /** A source holding one JSON or YAML document. */
  public static InMemorySource of(String content) {
    return named("in-memory", content);
  }

  /** A source with a name of its own, which errors and health use. */
  public static InMemorySource named(String name, String content) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(content, "content");
    return new InMemorySource(name, content);
  }

  /**
   * Replaces the document. When it is refused, the previous one stays in force and the refusal shows in the health
   * of this source; the call itself does not throw.
   */
  public void update(String newContent) {
    Objects.requireNonNull(newContent, "newContent");
    synchronized (this) {
      content = newContent;
      Listener l = listener;
      if (l != null) {
        l.changed(List.of(new FlagDocument(name, newContent)));
      }
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<FlagDocument> load() {
    return List.of(new FlagDocument(name, content));
  }

  @Override
  public void watch(Listener listener) {
    this.listener = listener;
  }

  @Override
  public void close() {
    listener = null;
  }
}
