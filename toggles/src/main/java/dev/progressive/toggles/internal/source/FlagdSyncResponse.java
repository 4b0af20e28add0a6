package dev.progressive.toggles.internal.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Reads an HTTP body as a flag document's content, unwrapping flagd's sync response
 * {@code {"flagConfiguration": "<the document as a string>"}} (or {@code flag_configuration}); any other body is
 * the document itself.
 */
public final class FlagdSyncResponse {

  private static final ObjectMapper JSON = new ObjectMapper();

  private FlagdSyncResponse() {
  }

  /**
   * The document in a body.
   *
   * @param body the body, possibly {@code null}
   * @return the wrapped document when the body is flagd's sync response, else the body ({@code ""} for none)
   */
  public static String unwrap(String body) {
    String content = body == null ? "" : body;
    String trimmed = content.strip();
    if (trimmed.startsWith("{")) {
      try {
        JsonNode root = JSON.readTree(trimmed);
        if (root != null && root.isObject() && !root.has("flags")) {
          JsonNode wrapped = root.has("flagConfiguration") ? root.get("flagConfiguration")
              : root.get("flag_configuration");
          if (wrapped != null && wrapped.isTextual()) {
            content = wrapped.asText();
          }
        }
      } catch (IOException e) {
        // Not JSON: reported as it is, so that the parser names the line and column.
      }
    }
    return content;
  }
}
