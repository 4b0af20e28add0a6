package dev.progressive.toggles.source;

import java.util.Objects;

/**
 * One flagd-format document, JSON or YAML, as a source read it.
 *
 * @param origin where it came from, named in error messages: a file path, a URL, a classpath resource
 * @param content the document's text
 */
public record FlagDocument(String origin, String content) {
  public FlagDocument {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(content, "content");
  }
}
